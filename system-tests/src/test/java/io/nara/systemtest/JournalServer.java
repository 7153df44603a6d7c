package io.nara.systemtest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;

/**
 * A journal's FHIR server: HAPI's plain RestfulServer in an embedded Jetty on 127.0.0.1, keeping Observations in
 * memory. Its create implements conditional create as FHIR R4 says (If-None-Exist: no match creates, one match answers
 * 200 with that resource, several answer 412). It can be stopped and started on the same port, told to fail every
 * create with 500, to store and then fail (the answer lost), and it refuses one LOINC code for good (422).
 */
final class JournalServer implements AutoCloseable {

    enum Mode {
        ACCEPT,
        FAIL,
        STORE_THEN_FAIL
    }

    /** The LOINC code this journal refuses, whatever the attempt. */
    static final String REFUSED_CODE = "33762-6";

    private final ObservationProvider observations = new ObservationProvider();
    private volatile Mode mode = Mode.ACCEPT;
    private Server jetty;
    private int port;

    JournalServer start() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
        fhir.registerProvider(observations);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(fhir), "/fhir/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
        jetty = server;
        return this;
    }

    /** The server goes away: connections are refused until {@link #start} (same port, same data). */
    void stop() throws Exception {
        jetty.stop();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    void mode(Mode m) {
        mode = m;
    }

    /** Every create request that reached the server, answered or failed. */
    int createRequests() {
        return observations.requests.get();
    }

    /** The stored Observations, by their identifier (system|value); a duplicate shows as a count above 1. */
    Map<String, Integer> identifierCounts() {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        observations.stored.values().forEach(o -> counts.merge(identifier(o), 1, Integer::sum));
        return counts;
    }

    List<Observation> stored() {
        return new ArrayList<>(observations.stored.values());
    }

    @Override
    public void close() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    private static String identifier(Observation o) {
        return o.getIdentifierFirstRep().getSystem() + "|"
                + o.getIdentifierFirstRep().getValue();
    }

    /** In-memory Observations with conditional create on identifier. */
    final class ObservationProvider implements IResourceProvider {
        private final Map<Long, Observation> stored = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private final AtomicInteger requests = new AtomicInteger();

        @Override
        public Class<? extends IBaseResource> getResourceType() {
            return Observation.class;
        }

        @Read
        public Observation read(@IdParam IdType id) {
            Observation o = stored.get(id.getIdPartAsLong());
            if (o == null) {
                throw new ResourceNotFoundException(id);
            }
            return o;
        }

        @Create
        public synchronized MethodOutcome create(
                @ResourceParam Observation incoming, @ConditionalUrlParam String conditionalUrl) {
            requests.incrementAndGet();
            if (mode == Mode.FAIL) {
                throw new InternalErrorException("the journal is having a bad day");
            }
            if (conditionalUrl != null) {
                String wanted = identifierParam(conditionalUrl);
                List<Observation> matches = stored.values().stream()
                        .filter(o -> identifier(o).equals(wanted))
                        .toList();
                if (matches.size() > 1) {
                    throw new PreconditionFailedException("several Observations match " + wanted);
                }
                if (matches.size() == 1) {
                    return new MethodOutcome(matches.get(0).getIdElement(), false).setResource(matches.get(0));
                }
            }
            if (incoming.getCode().getCoding().stream().anyMatch(c -> REFUSED_CODE.equals(c.getCode()))) {
                throw new UnprocessableEntityException("this journal takes no " + REFUSED_CODE);
            }
            long id = ids.incrementAndGet();
            incoming.setId(new IdType("Observation", id));
            stored.put(id, incoming);
            if (mode == Mode.STORE_THEN_FAIL) {
                throw new InternalErrorException("stored, but the answer is lost");
            }
            return new MethodOutcome(incoming.getIdElement(), true).setResource(incoming);
        }

        private String identifierParam(String conditionalUrl) {
            String query = conditionalUrl.substring(conditionalUrl.indexOf('?') + 1);
            for (String pair : query.split("&")) {
                if (pair.startsWith("identifier=")) {
                    return URLDecoder.decode(pair.substring("identifier=".length()), StandardCharsets.UTF_8);
                }
            }
            throw new InvalidRequestException("only identifier is supported in If-None-Exist, not " + conditionalUrl);
        }
    }
}
