package dev.strongroom.translog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A settable clock, in whole seconds. */
final class TestClock extends Clock {
    private final AtomicLong seconds;

    TestClock(long seconds) {
        this.seconds = new AtomicLong(seconds);
    }

    void set(long s) {
        seconds.set(s);
    }

    void advance(long s) {
        seconds.addAndGet(s);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(seconds.get());
    }
}
