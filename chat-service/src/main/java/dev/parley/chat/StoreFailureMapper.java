package dev.parley.chat;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.mongodb.MongoException;

import dev.parley.support.problem.ProblemException;
import dev.parley.support.problem.ProblemMapper;

/**
 * Store failures that reach a REST resource (history, chats, reads, edits): an outage (see
 * {@link StoreAvailability#isOutage}) is a 503 {@code store_unavailable} with {@code Retry-After},
 * and marks the store down so sends are refused at once too; any other store error stays a 500.
 * Here and not in service-support's {@link ProblemMapper}: the gateway shares that mapper and has
 * no MongoDB driver.
 */
public class StoreFailureMapper {

    private static final Logger LOG = Logger.getLogger(StoreFailureMapper.class);

    private final StoreAvailability availability;
    private final ProblemMapper problems = new ProblemMapper();

    public StoreFailureMapper(StoreAvailability availability) {
        this.availability = availability;
    }

    @ServerExceptionMapper
    public Response storeFailed(MongoException e) {
        if (StoreAvailability.isOutage(e)) {
            availability.failed(e);
            LOG.debugf("Store unavailable: %s", e.getMessage());
            ProblemException unavailable = availability.unavailable();
            return problems.problem(unavailable);
        }
        return problems.unexpected(e);
    }
}
