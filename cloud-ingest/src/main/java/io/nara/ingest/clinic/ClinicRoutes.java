package io.nara.ingest.clinic;

import io.nara.ingest.auth.Principal;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The clinic's routes: the worklist, the evaluation figures (JSON and CSV) and hospital stays (entered,
 * listed, their discharge entered later). Every call is
 * authenticated by the web server; care relations and the access log are checked and written in the services.
 */
public final class ClinicRoutes implements ApiRoutes {

    private static final int DEFAULT_MONTHS = 6;

    private final ClinicReadings readings;
    private final WorkerExecutor influxWorker;

    /** @param influxWorker the worker pool InfluxDB queries run on, never the event loop */
    public ClinicRoutes(ClinicReadings readings, WorkerExecutor influxWorker) {
        this.readings = readings;
        this.influxWorker = influxWorker;
    }

    @Override
    public void mount(Router router, Api api) {
        WorklistService worklist = new WorklistService(api.db(), readings, influxWorker, api.codec(), api.clock());
        EvaluationService evaluation =
                new EvaluationService(api.db(), readings, influxWorker, api.codec(), api.clock());
        router.get("/api/worklist").handler(ctx -> {
            String team = blankToNull(ctx.queryParams().get("team"));
            Set<Worklist.Filter> filters =
                    Worklist.Filter.parse(ctx.queryParams().get("filter"));
            worklist.list(api.who(ctx), team, filters)
                    .onSuccess(rows -> api.json(
                            ctx, 200, rows.stream().map(WorklistService::json).toList()))
                    .onFailure(ctx::fail);
        });
        router.get("/api/evaluation")
                .handler(ctx -> evaluation(ctx, api, evaluation, "evaluation.read")
                        .onSuccess(rows -> api.json(ctx, 200, rows))
                        .onFailure(e -> fail(ctx, api, e)));
        router.get("/api/evaluation.csv")
                .handler(ctx -> evaluation(ctx, api, evaluation, "evaluation.csv")
                        .onSuccess(rows -> ctx.response()
                                .putHeader("content-type", EvaluationCsv.CONTENT_TYPE)
                                .putHeader("content-disposition", "attachment; filename=\"nara-evaluation.csv\"")
                                .end(EvaluationCsv.write(rows)))
                        .onFailure(e -> fail(ctx, api, e)));
        router.post("/api/patients/:id/admissions")
                .handler(ctx -> api.db()
                        .transaction(
                                c -> Admissions.record(c, api.who(ctx), ctx.pathParam("id"), api.body(ctx), api.now()))
                        .onSuccess(a -> api.json(ctx, 201, a))
                        .onFailure(e -> fail(ctx, api, e)));
        router.put("/api/patients/:id/admissions/:stayId")
                .handler(ctx -> api.db()
                        .transaction(c -> Admissions.discharge(
                                c,
                                api.who(ctx),
                                ctx.pathParam("id"),
                                ctx.pathParam("stayId"),
                                api.body(ctx),
                                api.now()))
                        .onSuccess(a -> api.json(ctx, 200, a))
                        .onFailure(e -> fail(ctx, api, e)));
        router.get("/api/patients/:id/admissions")
                .handler(ctx -> api.db()
                        .transaction(c -> Admissions.list(c, api.who(ctx), ctx.pathParam("id"), api.now()))
                        .onSuccess(list -> api.json(ctx, 200, list))
                        .onFailure(ctx::fail));
    }

    private Future<List<Evaluation.Figures>> evaluation(
            RoutingContext ctx, Api api, EvaluationService service, String action) {
        YearMonth now = YearMonth.from(api.now().atZone(WorklistService.DEFAULT_ZONE));
        String from = ctx.queryParams().get("from");
        String to = ctx.queryParams().get("to");
        YearMonth last = to == null || to.isBlank() ? now : Evaluation.month("to", to);
        YearMonth first =
                from == null || from.isBlank() ? last.minusMonths(DEFAULT_MONTHS - 1) : Evaluation.month("from", from);
        Principal who = api.who(ctx);
        return service.figures(who, first, last, blankToNull(ctx.queryParams().get("team")), action);
    }

    /**
     * 403 for what the caller may not do here; a stay's problems as 400 {@code {problem, field, sv, en}} (the page
     * shows Swedish first); 404 for another patient's stay, 409 for a discharge already entered; everything else to
     * the web server's failure handler.
     */
    private static void fail(RoutingContext ctx, Api api, Throwable e) {
        if (e instanceof EvaluationService.NotYourTeam || e instanceof Admissions.NotAPerson) {
            api.json(ctx, 403, Map.of("problem", e.getMessage()));
        } else if (e instanceof Admissions.Invalid invalid) {
            api.json(
                    ctx,
                    400,
                    Map.of(
                            "problem",
                            invalid.getMessage(),
                            "field",
                            invalid.field(),
                            "sv",
                            invalid.sv(),
                            "en",
                            invalid.en()));
        } else if (e instanceof Admissions.NoSuchStay) {
            api.json(ctx, 404, Map.of("problem", e.getMessage()));
        } else if (e instanceof Admissions.AlreadyDischarged) {
            api.json(ctx, 409, Map.of("problem", e.getMessage()));
        } else {
            ctx.fail(e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
