package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.db.Database;
import io.nara.ingest.enrolment.HubAuthorities;
import io.nara.ingest.enrolment.HubAuthority;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Observation;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The questions many packages ask of PostgreSQL, answered by the schema (V330) on a real, migrated database: which
 * care relations are in force at the application's instant (not the database's clock), and who lives with a hub.
 * Also that a retired shared device's retiring config version is read as stored (it was once read as null).
 */
class SharedSqlIT {

    private static final Instant FROM = Instant.parse("2020-03-01T08:00:00Z");
    private static final Instant TO = Instant.parse("2020-04-01T08:00:00Z");

    private static Vertx vertx;
    private static Database db;
    private static Connection c;

    @BeforeAll
    static void start() throws SQLException {
        DevStack stack = DevStack.ensureUp();
        vertx = Vertx.vertx();
        db = Database.open(vertx, stack.freshPostgres());
        c = db.dedicatedConnection();
        exec("INSERT INTO organisation (id, name, kind) VALUES ('kommun', 'Kommunen', 'MUNICIPALITY')");
        exec("INSERT INTO care_team (id, organisation_id, name) VALUES ('team-a', 'kommun', 'Team A')");
        exec("INSERT INTO person (id, organisation_id, name) VALUES ('nurse-a', 'kommun', 'Anna')");
        exec("INSERT INTO team_member (team_id, person_id, role) VALUES ('team-a', 'nurse-a', 'NURSE')");
        for (String p : List.of("p1", "p2", "p3", "p4", "p5", "p6")) {
            exec("INSERT INTO patient (id, name) VALUES (?, ?)", p, "Patient " + p);
        }
        exec(
                "INSERT INTO care_relation (patient_id, team_id, valid_from, valid_to) VALUES ('p1', 'team-a', ?, ?)",
                Timestamp.from(FROM),
                Timestamp.from(TO));
    }

    @AfterAll
    static void stop() throws SQLException {
        if (c != null) {
            c.close();
        }
        if (db != null) {
            db.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void aCareRelationIsInForceFromItsStartUntilJustBeforeItsEndAtTheInstantAsked() throws SQLException {
        Principal nurse = new Principal("nurse-a", "Anna", List.of("team-a"), false, "csrf");
        Instant justBefore = FROM.minusMillis(1);
        Instant lastMoment = TO.minusMillis(1);

        assertThat(CareAccess.maySee(c, nurse, "p1", justBefore)).isFalse();
        assertThat(CareAccess.maySee(c, nurse, "p1", FROM)).isTrue();
        assertThat(CareAccess.maySee(c, nurse, "p1", lastMoment)).isTrue();
        assertThat(CareAccess.maySee(c, nurse, "p1", TO)).isFalse();
        // The application's instant, not the database's clock: the relation ended years before now().
        assertThat(CareAccess.maySee(c, nurse, "p1", Instant.now())).isFalse();

        assertThat(CareAccess.visiblePatients(c, nurse, FROM.plus(Duration.ofDays(3))))
                .containsExactly("p1");
        assertThat(CareAccess.visiblePatients(c, nurse, TO)).isEmpty();
        assertThat(CareAccess.roles(c, nurse, "p1", FROM.plus(Duration.ofDays(3))))
                .containsExactly("NURSE");
        assertThat(CareAccess.roles(c, nurse, "p1", TO)).isEmpty();

        Principal journal = Principal.journalClient("journal-1", "Journal", List.of("team-a"));
        assertThat(CareAccess.maySee(c, journal, "p1", FROM)).isTrue();
        assertThat(CareAccess.maySee(c, journal, "p1", TO)).isFalse();
    }

    @Test
    void aHouseholdIsItsPlansItsMembersNowAndThePatientsItsActiveDevicesName() throws SQLException {
        Timestamp then = Timestamp.from(FROM);
        exec(
                "INSERT INTO care_plan (patient_id, hub_id, version, document, since, changed_by, changed_at) "
                        + "VALUES ('p1', 'hub-h', 1, '{}'::jsonb, ?, 'doctor', ?)",
                then,
                then);
        exec(
                "INSERT INTO household (id, hub_id, label, created_by, created_at) VALUES (1, 'hub-h', 'Hemma', 'nurse-a', ?)",
                then);
        exec("INSERT INTO household_member (household_id, patient_id, since) VALUES (1, 'p2', ?)", then);
        exec(
                "INSERT INTO household_member (household_id, patient_id, since, until) VALUES (1, 'p3', ?, ?)",
                then,
                Timestamp.from(TO));
        exec(
                "INSERT INTO device_binding (hub_id, device_id, model, users, bound_by, bound_at) "
                        + "VALUES ('hub-h', 'scale-1', 'scale', '[{\"patientId\": \"p4\", \"userIndex\": 1}]'::jsonb, 'nurse-a', ?)",
                then);
        exec(
                "INSERT INTO device_binding (hub_id, device_id, model, patient_id, bound_by, bound_at, retired_by, "
                        + "retired_at) VALUES ('hub-h', 'cuff-old', 'cuff', 'p5', 'nurse-a', ?, 'nurse-a', ?)",
                then,
                Timestamp.from(TO));
        exec(
                "INSERT INTO care_plan (patient_id, hub_id, version, document, since, changed_by, changed_at) "
                        + "VALUES ('p6', 'hub-other', 1, '{}'::jsonb, ?, 'doctor', ?)",
                then,
                then);

        // p3 left the household and p5's cuff was retired; p6 lives with another hub.
        assertThat(CarePlanService.household(c, "hub-h")).containsExactly("p1", "p2", "p4");
        assertThat(CarePlanService.hubOf(c, "p4")).contains("hub-h");
        assertThat(CarePlanService.hubOf(c, "p3")).isEmpty();
    }

    @Test
    void aRetiredSharedDeviceCountsUntilTheHubAppliesTheConfigThatRetiredIt() throws SQLException {
        Instant retired = Instant.parse("2020-05-01T08:00:00Z");
        exec("INSERT INTO hub (hub_id, config_applied) VALUES ('hub-s', 6)");
        exec(
                "INSERT INTO device_binding (hub_id, device_id, model, users, bound_by, bound_at, retired_by, retired_at, "
                        + "retired_version) VALUES ('hub-s', 'scale-s', 'scale', '[{\"patientId\": \"p4\", \"userIndex\": 1}]'::jsonb, "
                        + "'nurse-a', ?, 'nurse-a', ?, 7)",
                Timestamp.from(FROM),
                Timestamp.from(retired));
        HubAuthorities authorities = new HubAuthorities(new MessageCodec());
        Instant afterGrace = retired.plus(HubAuthorities.GRACE).plus(Duration.ofHours(1));
        Observation weight =
                new Observation(1, "p4", "scale-s", "29463-7", 80.0, "kg", afterGrace, afterGrace, Set.of());

        HubAuthority beforeApplied = authorities.load(c, "hub-s");
        assertThat(beforeApplied.bindings())
                .singleElement()
                .satisfies(b -> assertThat(b.retiredVersion()).isEqualTo(7L));
        // The hub still runs config 6, which binds the scale: its readings are still the household's.
        assertThat(beforeApplied.refuse(weight)).isEmpty();

        exec("UPDATE hub SET config_applied = 7 WHERE hub_id = 'hub-s'");
        assertThat(authorities.load(c, "hub-s").refuse(weight))
                .hasValueSatisfying(why -> assertThat(why).contains("scale-s is not bound"));
    }

    private static void exec(String sql, Object... params) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            q.executeUpdate();
        }
    }
}
