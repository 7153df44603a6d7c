package io.nara.ingest.fhir;

import io.nara.ingest.config.ConfigurationException;
import io.nara.ingest.config.SecretFile;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The FHIR push's options, added to the node's own as a picocli mixin: the same names, sources and precedence as
 * every other setting (command line, {@code NARA_INGEST_*}, the configuration file, the default).
 */
public final class FhirOptions {

    @Option(
            names = "--fhir-push-url",
            description = "FHIR R4 base of a server that receives every new reading as an "
                    + "Observation (conditional create; default: no push).")
    URI fhirPushUrl;

    @Option(
            names = "--fhir-push-token-file",
            description = "File holding the bearer token for --fhir-push-url (default: none).")
    Path fhirPushTokenFile;

    @Option(
            names = "--fhir-push-max-attempts",
            defaultValue = "20",
            description =
                    "Attempts per reading before it is "
                            + "dead-lettered for the operator (default ${DEFAULT-VALUE}; with the backoff capped at 30 min, about 8 h).")
    int fhirPushMaxAttempts = 20;

    /** The FHIR push settings from the defaults and the options; a misfit names the option. */
    public FhirPush.Settings settings() {
        FhirPush.Settings push = FhirPush.Settings.none();
        if (fhirPushUrl == null) {
            if (fhirPushTokenFile != null) {
                throw new ConfigurationException("--fhir-push-token-file needs --fhir-push-url");
            }
            return push;
        }
        try {
            return push.withServer(
                            fhirPushUrl,
                            fhirPushTokenFile == null
                                    ? null
                                    : SecretFile.read(fhirPushTokenFile, "--fhir-push-token-file"))
                    .withRetries(fhirPushMaxAttempts, push.retryBase(), push.retryCap(), push.every());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }
}
