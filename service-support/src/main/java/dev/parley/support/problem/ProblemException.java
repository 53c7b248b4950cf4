package dev.parley.support.problem;

/** An expected failure that reaches the client as a problem response; never logged as an error. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    /** Seconds the client should wait before trying again (a {@code Retry-After} header), or 0 for none. */
    private final long retryAfterSeconds;

    public ProblemException(int status, String code, String title, String detail) {
        this(status, code, title, detail, 0);
    }

    public ProblemException(int status, String code, String title, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: the caller must wait {@code retryAfterSeconds} (at least 1) before trying again. */
    public static ProblemException tooManyRequests(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(429, code, "Too many requests", detail, Math.max(1, retryAfterSeconds));
    }

    /**
     * A 503 the client should retry: the service sheds load or a dependency is down. REST answers
     * carry {@code Retry-After} with the seconds given (at least 1).
     */
    public static ProblemException unavailable(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(503, code, "Service unavailable", detail, Math.max(1, retryAfterSeconds));
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Request is invalid", detail);
    }

    public static ProblemException unauthorized(String code, String detail) {
        return new ProblemException(401, code, "Not authenticated", detail);
    }

    public static ProblemException forbidden(String code, String detail) {
        return new ProblemException(403, code, "Not allowed", detail);
    }

    public static ProblemException notFound(String code, String detail) {
        return new ProblemException(404, code, "Not found", detail);
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(409, code, "Conflict", detail);
    }

    public int status() {
        return status;
    }

    /** Seconds for a {@code Retry-After} header, 0 when the answer has none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem toProblem() {
        return Problem.of(status, code, title, getMessage());
    }
}
