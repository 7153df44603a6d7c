package io.nara.ingest.org;

import java.time.ZoneId;

/**
 * A care team.
 *
 * @param escalatesTo the next tier's team id; null for the last tier
 */
public record Team(
        String id,
        String name,
        String organisationId,
        OrganisationKind organisationKind,
        String escalatesTo,
        ZoneId zone) {}
