package io.nara.ingest.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;

/**
 * HTTPS for the web app and FHIR with the organisation's certificate, and the plain-HTTP port that only redirects
 * there.
 *
 * @param keystore     PKCS12 with the web server's private key and certificate chain
 * @param password     the keystore's password
 * @param redirectPort plain-HTTP port that answers every request with a redirect to the HTTPS address; 0 picks a
 *                     free one, -1 for none
 */
public record WebTls(Path keystore, String password, int redirectPort) {

    @Override
    public String toString() {
        return "WebTls[" + keystore + ", redirect from " + redirectPort + "]";
    }

    /**
     * Refuses a keystore the server could not use, naming what is wrong and where: missing, unreadable or a wrong
     * password, no private key, a certificate not yet or no longer valid. Blocking.
     */
    void check(Instant now) {
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the web server's keystore " + keystore + " does not exist");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the web server's keystore " + keystore + " cannot be read (not PKCS12, "
                    + "or a wrong password): " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
                    if (now.isAfter(cert.getNotAfter().toInstant())) {
                        throw new IllegalArgumentException("the web server's certificate in " + keystore + " ("
                                + cert.getSubjectX500Principal().getName() + ") expired on "
                                + cert.getNotAfter().toInstant());
                    }
                    if (now.isBefore(cert.getNotBefore().toInstant())) {
                        throw new IllegalArgumentException("the web server's certificate in " + keystore
                                + " is not valid before " + cert.getNotBefore().toInstant());
                    }
                    return;
                }
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("the web server's keystore " + keystore + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(
                "the web server's keystore " + keystore + " holds no private key with a " + "certificate");
    }
}
