package dev.fmnist.server.http;

import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The model repository extension: the index of models, and loading and unloading them while the server runs. */
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
                            .forEach(e -> list.add(new JsonObject().put("name", e.name()).put("version", e.version())
                                    .put("state", e.state().name()).put("reason", e.reason())));
                    ctx.json(list);
                })
                .onFailure(ctx::fail);
    }

    /**
     * Loads a model, or loads it again: {@code {"parameters":{"run":RUN,"index":INDEX|"none"}}}, both optional.
     * Answers once the new version serves (the old one, if any, has handed over).
     */
    void load(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!ModelSource.isValidName(name)) {
            throw ServingError.invalid("model name '" + name + "' must be " + ModelSource.NAME_RULE);
        }
        Object parameters = HttpRequests.jsonBody(ctx).getValue("parameters");
        if (parameters != null && !(parameters instanceof JsonObject)) {
            throw ServingError.invalid("'parameters' must be a JSON object");
        }
        JsonObject given = parameters == null ? new JsonObject() : (JsonObject) parameters;
        Optional<String> run = stringParameter(given, "run");
        Optional<String> index = stringParameter(given, "index");
        vertx.executeBlocking(() -> models.load(name, run, index), false)
                .onSuccess(model -> ctx.json(new JsonObject().put("name", model.name()).put("version", model.version())
                        .put("state", model.state().name())))
                .onFailure(ctx::fail);
    }

    /** Unloads a model; answers once the requests it had have finished. */
    void unload(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        vertx.executeBlocking(() -> {
            models.unload(name);
            return name;
        }, false).onSuccess(unloaded -> ctx.json(new JsonObject().put("name", unloaded).put("state", "UNAVAILABLE")))
                .onFailure(ctx::fail);
    }

    private static Optional<String> stringParameter(JsonObject parameters, String key) {
        Object value = parameters.getValue(key);
        if (value != null && !(value instanceof String)) {
            throw ServingError.invalid("parameter '" + key + "' must be a string");
        }
        return Optional.ofNullable((String) value).filter(v -> !v.isBlank());
    }
}
