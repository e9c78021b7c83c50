package dev.fmnist.server.http;

import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.ModelVersions;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.TrafficSplit;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model repository extension: the index of models and their versions, loading and unloading them while the server
 * runs, and which version answers a model's name (promote, roll back, a traffic split between versions).
 */
final class RepositoryRoutes {

    private final Vertx vertx;
    private final ModelRepository models;

    RepositoryRoutes(Vertx vertx, ModelRepository models) {
        this.vertx = vertx;
        this.models = models;
    }

    /** Every model with its state; {@code {"ready":true}}: the ready ones. */
    void index(RoutingContext ctx) {
        Object ready = HttpRequests.jsonBody(ctx).getValue("ready");
        if (ready != null && !(ready instanceof Boolean)) {
            throw ServingError.invalid("'ready' must be true or false");
        }
        boolean readyOnly = Boolean.TRUE.equals(ready);
        vertx.executeBlocking(models::index, false)
                .onSuccess(entries -> {
                    JsonArray list = new JsonArray();
                    entries.stream().filter(e -> !readyOnly || e.state() == ServedModel.State.READY)
                            .forEach(e -> {
                                JsonObject entry = new JsonObject().put("name", e.name()).put("version", e.version())
                                        .put("state", e.state().name()).put("reason", e.reason())
                                        .put("current", e.current());
                                if (e.trafficPercent() != null) {
                                    entry.put("traffic", e.trafficPercent());
                                }
                                list.add(entry);
                            });
                    ctx.json(list);
                })
                .onFailure(ctx::fail);
    }

    /**
     * Loads a version of a model: {@code {"parameters":{"run":RUN,"index":INDEX|"none","current":BOOL,
     * "traffic":{VERSION:WEIGHT,...}}}}, all optional. By default the loaded version answers the model's name and
     * the versions it had are unloaded; with {@code "current":false} it is added beside them. Answers once the new
     * version serves (a version it replaces has handed over).
     */
    void load(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!ModelSource.isValidName(name)) {
            throw ServingError.invalid("model name '" + name + "' must be " + ModelSource.NAME_RULE);
        }
        JsonObject given = parameters(ctx, "run", "index", "current", "traffic");
        Optional<String> run = stringParameter(given, "run");
        Optional<String> index = stringParameter(given, "index");
        Object current = given.getValue("current");
        if (current != null && !(current instanceof Boolean)) {
            throw ServingError.invalid("parameter 'current' must be true or false");
        }
        Optional<TrafficSplit> traffic = given.containsKey("traffic") ? Optional.of(split(given)) : Optional.empty();
        ModelRepository.LoadOptions options = new ModelRepository.LoadOptions(!Boolean.FALSE.equals(current), traffic);
        vertx.executeBlocking(() -> {
            ServedModel loaded = models.load(name, run, index, options);
            return state(models.versions(name).orElseThrow(), loaded);
        }, false).onSuccess(ctx::json).onFailure(ctx::fail);
    }

    /** Makes a version answer the model's name: {@code {"parameters":{"version":VERSION}}}; the split is cleared. */
    void promote(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        String version = stringParameter(parameters(ctx, "version"), "version")
                .orElseThrow(() -> ServingError.invalid("name the version to promote: {\"parameters\":{\"version\":"
                        + "\"VERSION\"}}"));
        vertx.executeBlocking(() -> models.promote(name, version), false)
                .onSuccess(versions -> ctx.json(state(versions))).onFailure(ctx::fail);
    }

    /** Brings back the version that answered before the last promotion; the split is cleared. */
    void rollback(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        parameters(ctx);
        vertx.executeBlocking(() -> models.rollback(name), false)
                .onSuccess(versions -> ctx.json(state(versions))).onFailure(ctx::fail);
    }

    /** Shares the requests that name no version: {@code {"parameters":{"traffic":{"2":90,"3":10}}}}; {} clears it. */
    void traffic(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        JsonObject given = parameters(ctx, "traffic");
        if (!given.containsKey("traffic")) {
            throw ServingError.invalid("give the split: {\"parameters\":{\"traffic\":{\"VERSION\":WEIGHT,...}}}; "
                    + "{} sends every request to the current version");
        }
        TrafficSplit split = split(given);
        vertx.executeBlocking(() -> models.traffic(name, split), false)
                .onSuccess(versions -> ctx.json(state(versions))).onFailure(ctx::fail);
    }

    /** Unloads a model, or one version of it ({@code {"parameters":{"version":VERSION}}}); answers once the
     * requests it had have finished. */
    void unload(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        JsonObject given = parameters(ctx, "version");
        Optional<String> version = stringParameter(given, "version");
        if (given.containsKey("version") && version.isEmpty()) {
            // a blank version (an unset shell variable) must not unload every version
            throw ServingError.invalid("parameter 'version' is empty: name the version to unload, or leave the "
                    + "parameter out to unload the whole model");
        }
        vertx.executeBlocking(() -> {
            if (version.isPresent()) {
                models.unload(name, version.get());
            } else {
                models.unload(name);
            }
            return name;
        }, false).onSuccess(unloaded -> {
            JsonObject answer = new JsonObject().put("name", unloaded);
            version.ifPresentOrElse(v -> answer.put("version", v).put("state", "UNAVAILABLE"),
                    () -> answer.put("state", "UNAVAILABLE"));
            ctx.json(answer);
        }).onFailure(ctx::fail);
    }

    /** A model's versions after a change: the one that answers its name, the split, and each version's state. */
    private static JsonObject state(ModelVersions versions) {
        return state(versions, versions.currentModel());
    }

    /** {@link #state(ModelVersions)}, with {@code shown} (the version a load loaded) as "version" and "state". */
    private static JsonObject state(ModelVersions versions, ServedModel shown) {
        JsonObject answer = new JsonObject().put("name", versions.name()).put("version", shown.version())
                .put("state", shown.state().name()).put("current", versions.current());
        JsonObject all = new JsonObject();
        versions.versions().forEach((version, model) -> all.put(version, model.state().name()));
        answer.put("versions", all);
        JsonObject traffic = new JsonObject();
        versions.traffic().weights().forEach(traffic::put);
        answer.put("traffic", traffic);
        return answer;
    }

    /** The request's {@code parameters}, refused when it holds any but {@code known}: a misspelled one is not ignored. */
    private static JsonObject parameters(RoutingContext ctx, String... known) {
        Object parameters = HttpRequests.jsonBody(ctx).getValue("parameters");
        if (parameters != null && !(parameters instanceof JsonObject)) {
            throw ServingError.invalid("'parameters' must be a JSON object");
        }
        JsonObject given = parameters == null ? new JsonObject() : (JsonObject) parameters;
        List<String> allowed = List.of(known);
        for (String key : given.fieldNames()) {
            if (!allowed.contains(key)) {
                throw ServingError.invalid("unknown parameter '" + key + "'" + (allowed.isEmpty() ? "; this call takes "
                        + "none" : "; this call takes " + String.join(", ", allowed)));
            }
        }
        return given;
    }

    /** {@code "traffic"}: an object of version to whole, non-negative weight. */
    private static TrafficSplit split(JsonObject parameters) {
        Object value = parameters.getValue("traffic");
        if (!(value instanceof JsonObject weights)) {
            throw ServingError.invalid("parameter 'traffic' must be an object of version to weight, such as "
                    + "{\"2\": 90, \"3\": 10}");
        }
        Map<String, Integer> split = new LinkedHashMap<>();
        for (String version : weights.fieldNames()) {
            Object weight = weights.getValue(version);
            if (!(weight instanceof Integer || weight instanceof Long) || ((Number) weight).longValue() < 0
                    || ((Number) weight).longValue() > 1_000_000) {
                throw ServingError.invalid("the weight of version '" + version + "' must be a whole number from 0 to "
                        + "1,000,000; got " + weight);
            }
            split.put(version, ((Number) weight).intValue());
        }
        try {
            return new TrafficSplit(split);
        } catch (IllegalArgumentException e) {
            throw ServingError.invalid(e.getMessage());
        }
    }

    private static Optional<String> stringParameter(JsonObject parameters, String key) {
        Object value = parameters.getValue(key);
        if (value != null && !(value instanceof String)) {
            throw ServingError.invalid("parameter '" + key + "' must be a string");
        }
        return Optional.ofNullable((String) value).filter(v -> !v.isBlank());
    }
}
