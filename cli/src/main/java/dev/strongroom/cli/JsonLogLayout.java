package dev.strongroom.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line, for log shippers: {@code time} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code message}, the event's key-value pairs as fields of their own (a pair
 * whose key is one of those names gets a {@code kv_} prefix), and for a failure {@code error}
 * (its class) and {@code stack}. The server's log statements carry no secrets, ids or file names,
 * so neither does this.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED = Set.of("time", "level", "logger", "message", "thread", "error", "stack");

    @Override
    public String doLayout(ILoggingEvent event) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        n.put("level", event.getLevel().toString());
        n.put("logger", event.getLoggerName());
        n.put("message", event.getFormattedMessage());
        n.put("thread", event.getThreadName());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                String key = RESERVED.contains(kv.key) ? "kv_" + kv.key : kv.key;
                switch (kv.value) {
                    case null -> n.putNull(key);
                    case Integer i -> n.put(key, i);
                    case Long l -> n.put(key, l);
                    case Boolean b -> n.put(key, b);
                    default -> n.put(key, kv.value.toString());
                }
            }
        }
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            n.put("error", t.getClassName());
            n.put("stack", ThrowableProxyUtil.asString(t));
        }
        try {
            return JSON.writeValueAsString(n) + CoreConstants.LINE_SEPARATOR;
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"message\":\"log line not encodable\"}" + CoreConstants.LINE_SEPARATOR;
        }
    }
}
