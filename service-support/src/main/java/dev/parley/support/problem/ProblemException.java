package dev.parley.support.problem;

/** An expected failure that reaches the client as a problem response; never logged as an error. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;

    public ProblemException(int status, String code, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
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

    public Problem toProblem() {
        return Problem.of(status, code, title, getMessage());
    }
}
