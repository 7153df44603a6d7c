package io.nara.ingest.enrol;

import java.nio.file.Path;

/**
 * The hub CA and its EST listener.
 *
 * @param host             address of the EST listener (HTTPS)
 * @param port             its port; 0 picks a free one
 * @param tlsCert          PEM certificate chain the EST listener presents
 * @param tlsKey           its PEM private key
 * @param caCert           the hub CA's PEM certificate (also the trust anchor for re-enrolment client certificates)
 * @param caKey            the hub CA's PEM private key (development; see the README for production)
 * @param crlFile          where the CRL is written for the broker ({@code crlfile}); null for none
 * @param crlReloadCommand run after the CRL changed so the broker reads it (Mosquitto: SIGHUP); none for none
 * @param accountCommand   grants an enrolled hub its account at the broker and removes it ({@link BrokerAccounts});
 *                         none where the broker needs no account per hub
 * @param lifetimes        how long codes and certificates are valid
 */
public record EnrolmentSettings(
        String host,
        int port,
        Path tlsCert,
        Path tlsKey,
        Path caCert,
        Path caKey,
        Path crlFile,
        BrokerCommand crlReloadCommand,
        BrokerCommand accountCommand,
        HubEnrolment.Settings lifetimes) {

    public EnrolmentSettings {
        if (crlReloadCommand == null || accountCommand == null) {
            throw new IllegalArgumentException("broker commands must be given (BrokerCommand.none() for none)");
        }
    }
}
