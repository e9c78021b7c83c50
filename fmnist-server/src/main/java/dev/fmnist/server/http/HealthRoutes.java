package dev.fmnist.server.http;

import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.inference.Inference;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** Liveness, readiness and metadata, of the server and of each model; the demo page's list of models. */
final class HealthRoutes {

    private final ModelRepository models;
    private final Inference inference;
    private final String platformVersion;

    HealthRoutes(ModelRepository models, Inference inference, String platformVersion) {
        this.models = models;
        this.inference = inference;
        this.platformVersion = platformVersion;
    }

    void live(RoutingContext ctx) {
        ctx.json(new JsonObject().put("live", true));
    }

    void serverReady(RoutingContext ctx) {
        JsonObject body = new JsonObject().put("ready", models.allReady());
        if (!models.allReady()) {
            List<String> problems = new ArrayList<>();
            models.all().stream().filter(m -> m.required() && !m.isReady())
                    .forEach(m -> problems.add("model '" + m.name() + "': " + m.reason()));
            body.put("error", problems.isEmpty() ? "no model is configured" : String.join("; ", problems));
        }
        ctx.response().setStatusCode(models.allReady() ? 200 : 503);
        ctx.json(body);
    }

    void serverMetadata(RoutingContext ctx) {
        ctx.json(new JsonObject().put("name", "fmnist").put("version", platformVersion)
                .put("extensions", new JsonArray().add("classification").add("image_classify").add("similar")
                        .add("binary_tensor_data").add("model_repository")));
    }

    void listModels(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        for (ServedModel model : models.all()) {
            JsonObject entry = new JsonObject().put("name", model.name()).put("version", model.version())
                    .put("ready", model.isReady()).put("state", model.state().name());
            if (!model.isReady()) {
                entry.put("error", model.reason());
            }
            model.index().ifPresent(index -> entry.put("similar_items", index.size()));
            list.add(entry);
        }
        ctx.json(new JsonObject().put("models", list));
    }

    void modelMetadata(RoutingContext ctx) {
        ctx.json(OipJson.metadata(HttpRequests.admit(ctx, inference).metadata()));
    }

    void modelReady(RoutingContext ctx) {
        ServedModel model = inference.model(ctx.pathParam("name"), ctx.pathParam("version"));
        JsonObject body = new JsonObject().put("name", model.name()).put("ready", model.isReady());
        if (!model.isReady()) {
            body.put("error", model.reason());
        }
        ctx.response().setStatusCode(model.isReady() ? 200 : 503);
        ctx.json(body);
    }
}
