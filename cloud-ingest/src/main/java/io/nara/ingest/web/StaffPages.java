package io.nara.ingest.web;

import java.util.Set;

/**
 * Which of the web app's pages are the staff's: every page ({@code /} and any {@code .html}) except those listed here
 * for relatives. One place, and closed by default: a page added later is the staff's until it is listed here. The
 * staff's API refuses relatives anyway ({@link WebServer}); this keeps a relative from even opening a staff page,
 * whatever its script does. Home-care staff may open only {@link #FOR_HOME_CARE}. Pure.
 */
final class StaffPages {

    /** The pages a signed-in relative may open. */
    static final Set<String> FOR_RELATIVES = Set.of("/relative.html");

    /** The pages a signed-in member of home-care staff may open (their phone page, their account). */
    static final Set<String> FOR_HOME_CARE = Set.of("/homecare.html", "/account.html");

    /** Where home-care staff who open another page are sent. */
    static final String HOME_CARE_PAGE = "/homecare.html";

    /** Where a relative who opens a staff page is sent. */
    static final String RELATIVES_PAGE = "/relative.html";

    private StaffPages() {}

    /** Whether {@code path} (normalised) is a page only the staff may open. */
    static boolean staffOnly(String path) {
        return (path.equals("/") || path.endsWith(".html")) && !FOR_RELATIVES.contains(path);
    }
}
