package io.nara.ingest.contact;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The patient's contact details and named care contact on the patient page ({@link PatientContact}):
 *
 * <pre>
 * GET  /api/patients/{id}/contact   -> 200 {phone, address, careContactName, careContactRole, careContactPhone, sipUrl,
 *                                     sipDate, sipResponsibilities, changedBy, changedByName, changedAt}
 * POST /api/patients/{id}/contact   the same fields (all optional; blank clears) -> 200 as GET; 400 naming the field
 * </pre>
 * Both behind the care relation (none: 404, as for a patient that does not exist); the operator reads but records
 * nothing (403). Each read and each change writes one access-log entry ({@code patient.contact},
 * {@code patient.contact.change}, naming the fields changed but not their values) in the same transaction.
 */
public final class PatientContactRoutes implements ApiRoutes {

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/patients/:id/contact").handler(ctx -> read(ctx, api));
        router.post("/api/patients/:id/contact").handler(ctx -> change(ctx, api));
    }

    private static void read(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    CareAccess.requireCareRelation(c, who, patientId, now);
                    PatientContact contact = PatientContact.read(c, patientId)
                            .orElseThrow(() -> new CareAccess.NoCareRelation(patientId));
                    AccessLog.record(c, who.actor(), "patient.contact", List.of(patientId), "contact");
                    return contact;
                })
                .onSuccess(contact -> api.json(ctx, 200, contact))
                .onFailure(ctx::fail);
    }

    private static void change(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        if (who.operator() || who.journalClient()) {
            api.json(
                    ctx,
                    403,
                    Map.of(
                            "problem",
                            "bara personal med vårdrelation / only staff with a care relation can change the patient's"
                                    + " contact details"));
            return;
        }
        String patientId = ctx.pathParam("id");
        PatientContact.Details details = PatientContact.parse(api.body(ctx));
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    CareAccess.requireCareRelation(c, who, patientId, now);
                    PatientContact.write(c, patientId, details, who.actor(), now);
                    AccessLog.record(
                            c,
                            who.actor(),
                            "patient.contact.change",
                            List.of(patientId),
                            "fields=" + String.join(",", details.filled()));
                    return PatientContact.read(c, patientId).orElseThrow();
                })
                .onSuccess(contact -> api.json(ctx, 200, contact))
                .onFailure(ctx::fail);
    }
}
