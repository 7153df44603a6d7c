package io.nara.systemtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium session for a browser test: Debian's chromium and chromium-driver, named explicitly (Selenium
 * Manager cannot download anything here), a fresh profile per session, no network of its own beyond the pages the
 * test opens. Waits are bounded ({@link WebDriverWait}), never sleeps. Screenshots go to
 * {@code system-tests/target/browser/}.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("nara.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("nara.chromedriver", "/usr/bin/chromedriver"));
    static final Path ARTEFACTS = Path.of("target", "browser");
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);

    private final String name;
    private final Path profile;
    private final ChromeDriver driver;

    private Browser(String name, Path profile, ChromeDriver driver) {
        this.name = name;
        this.profile = profile;
        this.driver = driver;
    }

    /** Starts a session; {@code name} names its screenshots and its profile folder. */
    static Browser start(String name) throws IOException {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile = Files.createTempDirectory("nara-chromium-" + name + "-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-extensions",
                "--window-size=1280,900",
                "--lang=sv-SE",
                "--user-data-dir=" + profile,
                // HTTPS tests serve the dev PKI's certificate; tests only, never a real browser's setting.
                "--ignore-certificate-errors");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
        return new Browser(name, profile, driver);
    }

    WebDriver driver() {
        return driver;
    }

    /** Sets the window's size: 390×844 for a phone's viewport. */
    void windowSize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    void open(String url) {
        driver.get(url);
    }

    /** Shows pages as a phone does: a 390 × 844 viewport (an iPhone 12-14), mobile, for the next page opened. */
    void phone() {
        cdp(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    }

    /** Runs a Chrome DevTools Protocol command (what no page can do: emulation, permissions); its answer. */
    Map<String, Object> cdp(String command, Map<String, Object> parameters) {
        return driver.executeCdpCommand(command, parameters);
    }

    /**
     * Signs in through the start page's form and waits for the session cookie, so the next page opened is signed in
     * whatever the start page shows after sign-in (the inbox for the staff, the
     * relative's page for a relative).
     */
    void signIn(String baseUrl, String username, String password) {
        open(baseUrl + "/");
        await("the sign-in form", d -> find("#username").isDisplayed());
        find("#username").sendKeys(username);
        find("#password").sendKeys(password);
        find("#signin").click();
        await("signed in as " + username, d -> d.manage().getCookieNamed("nara_session") != null);
    }

    /** Signs a member of staff in through the form and waits for the inbox, where that leads them. */
    void signInToInbox(String baseUrl, String user, String password) {
        signIn(baseUrl, user, password);
        await(
                "the inbox after " + user + "'s sign-in",
                d -> d.findElement(By.id("inbox")).isDisplayed());
    }

    /** Waits up to {@link #DEFAULT_WAIT} for a condition; on a timeout the message carries the page's console. */
    <T> T await(String what, ExpectedCondition<T> condition) {
        return await(what, DEFAULT_WAIT, condition);
    }

    <T> T await(String what, Duration atMost, ExpectedCondition<T> condition) {
        try {
            // The page re-renders its lists on every live update, so an element may go stale mid-check: look again.
            return new WebDriverWait(driver, atMost, Duration.ofMillis(50))
                    .ignoring(StaleElementReferenceException.class)
                    .withMessage(() -> name + ": " + what)
                    .until(condition);
        } catch (RuntimeException e) {
            screenshot("failed");
            throw new AssertionError(name + ": " + what + " not within " + atMost + "; console: " + console(), e);
        }
    }

    /** Clicks an element; one a live update drew anew between finding and clicking is found again and clicked. */
    void click(String css) {
        await("click on " + css, d -> {
            find(css).click();
            return true;
        });
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Runs a script in the page and returns what it returns. */
    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Saves a screenshot as {@code target/browser/<session>-<label>.png}; its path, or null if it failed. */
    Path screenshot(String label) {
        try {
            return screenshotAt(ARTEFACTS.resolve(name + "-" + label + ".png"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Saves a screenshot at {@code file}, a test artefact a reviewer looks at; fails if it cannot. */
    Path screenshotAt(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.move(shot, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** The page's console messages so far (errors included), one a line. */
    String console() {
        try {
            return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::toString)
                    .collect(Collectors.joining("\n"));
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a leftover temporary profile is harmless
        }
    }
}
