package io.nara.ingest.org;

/** The kinds of principal (huvudman) that care for a patient. */
public enum OrganisationKind {
    MUNICIPALITY,
    REGION,
    PRIVATE
}
