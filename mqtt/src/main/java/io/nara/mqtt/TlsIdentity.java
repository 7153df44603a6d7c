package io.nara.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client's certificate and the CA it trusts, both as PKCS12 files. The certificate's common name is the MQTT user
 * name (the broker runs with {@code use_identity_as_username}), so for a hub it is the hub id.
 *
 * @param keystore     PKCS12 with the client's key and certificate chain
 * @param truststore   PKCS12 with the CA certificate
 * @param passwordFile file whose first line is the password of both stores (kept out of command lines and logs)
 */
public record TlsIdentity(Path keystore, Path truststore, Path passwordFile) {

    /** An SSL context that presents the client certificate and trusts only the configured CA. */
    public SSLContext sslContext() {
        try {
            char[] password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8)
                    .get(0)
                    .trim()
                    .toCharArray();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore, password), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststore, password));
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException | IndexOutOfBoundsException e) {
            throw new IllegalStateException("cannot load TLS identity " + keystore + " / " + truststore + ": " + e, e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }
}
