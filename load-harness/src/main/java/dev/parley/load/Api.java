package dev.parley.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Parley's REST API as a client app uses it (register, log in, create a chat, read history, send). */
final class Api {

    static final String PASSWORD = "load harness password 1";

    /** A signed-in user. */
    record Account(String id, String username, String accessToken) {
    }

    /** One HTTP answer, how long it took (nanoseconds), and its Server-Timing header (or null). */
    record Answer(int status, Buffer body, long nanos, String serverTiming) {
        JsonObject json() {
            return body.toJsonObject();
        }
    }

    /** A non-2xx answer where one was required. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(String what, int status, String body) {
            super(what + " answered " + status + ": " + (body.length() > 300 ? body.substring(0, 300) : body), null, false, false);
            this.status = status;
        }
    }

    private final HttpClient http;
    private final URI base;

    Api(Vertx vertx, URI base, int connections) {
        this.base = base;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000)
                .setIdleTimeout(60), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    Future<Answer> call(HttpMethod method, String path, String token, JsonObject body) {
        long start = System.nanoTime();
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(base + path).setTimeout(60_000);
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
                .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b, System.nanoTime() - start,
                        response.getHeader("Server-Timing"))));
    }

    Future<Account> register(String username) {
        JsonObject body = new JsonObject().put("username", username).put("email", username + "@example.com")
                .put("password", PASSWORD);
        return call(HttpMethod.POST, "/auth/register", null, body).map(a -> account("register", 201, a));
    }

    Future<Account> login(String username) {
        JsonObject body = new JsonObject().put("username", username).put("password", PASSWORD);
        return call(HttpMethod.POST, "/auth/login", null, body).map(a -> account("login", 200, a));
    }

    /** Registers, or logs in when the name is taken (a seeded user from an earlier run). */
    Future<Account> registerOrLogin(String username) {
        return register(username).recover(failure -> failure instanceof Refused r && r.status == 409
                ? login(username) : Future.failedFuture(failure));
    }

    /** The direct chat of two users (created, or the existing one). */
    Future<String> directChat(Account a, Account b) {
        JsonObject body = new JsonObject().put("participantIds", new JsonArray().add(b.id()));
        return call(HttpMethod.POST, "/chat", a.accessToken(), body).map(answer -> {
            if (answer.status() != 200 && answer.status() != 201) {
                throw new Refused("POST /chat", answer.status(), answer.body().toString());
            }
            return answer.json().getString("id");
        });
    }

    private static Account account(String what, int expected, Answer answer) {
        if (answer.status() != expected) {
            throw new Refused(what, answer.status(), answer.body().toString());
        }
        JsonObject json = answer.json();
        JsonObject user = json.getJsonObject("user");
        return new Account(user.getString("id"), user.getString("username"), json.getString("accessToken"));
    }

    Future<Void> close() {
        return http.close();
    }

    /** Waits for a future from a thread that is not an event loop. */
    static <T> T await(Future<T> future, long seconds) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + seconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code count} asynchronous calls, at most {@code concurrency} at a time; fails on the first failure. */
    static <T> List<T> all(int count, int concurrency, IntFunction<Future<T>> task) {
        List<T> results = new ArrayList<>(Collections.nCopies(count, null));
        Semaphore slots = new Semaphore(concurrency);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try {
            for (int i = 0; i < count && failed.get() == null; i++) {
                slots.acquire();
                int index = i;
                task.apply(i).onComplete(result -> {
                    if (result.succeeded()) {
                        synchronized (results) {
                            results.set(index, result.result());
                        }
                    } else {
                        failed.compareAndSet(null, result.cause());
                    }
                    slots.release();
                });
            }
            slots.acquire(concurrency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failed.get() != null) {
            throw failed.get() instanceof RuntimeException r ? r : new IllegalStateException(failed.get());
        }
        return results;
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
