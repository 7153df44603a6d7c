package io.nara.gateway.testkit;

import org.junit.jupiter.api.Assumptions;

/**
 * Real peers come from Debian packages (deploy/dev/test.sh installs them). Where one is missing, a developer's run
 * skips the test naming the package; in CI (CI=true) the test fails instead, so a missing install step cannot hide.
 */
public final class Tools {

    private Tools() {}

    public static void require(String tool, String debianPackage) {
        if (Proc.onPath(tool)) {
            return;
        }
        String message =
                tool + " is not installed (Debian package " + debianPackage + "; deploy/dev/test.sh installs it)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }
}
