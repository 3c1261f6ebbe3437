package io.mediamesh.user.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.net.InetAddresses;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Throttles password guessing per user name and per client address. Each has a number of
 * failures free; after those, an attempt is let through only once a delay has passed since the
 * last failure, a delay that doubles with each further failure up to a maximum; earlier attempts
 * are refused with TOO_MANY_REQUESTS and a Retry-After, without looking at the password.
 *
 * <p>An attempt counts as a failure from the moment it is let through, so a burst of concurrent
 * guesses is throttled at once rather than when its hashes finish; a success takes its count back
 * (and clears the user name's), and so does an attempt that was never judged (the hash could not
 * run). User names are counted whether or not such a user exists, in the same way, so neither the
 * codes nor their timing tell an account apart from a name nobody has. IPv6 addresses are counted
 * per /64, which one client usually holds whole.
 *
 * <p>The counts live in this replica's memory, bounded in size, and are forgotten after a while
 * without attempts: behind a load balancer spreading one client over R replicas, the allowance is
 * R times as large. Keeping them off the database keeps a flood of guesses from turning into a
 * flood of writes.
 */
public final class LoginThrottle {
    private static final int MAX_DOUBLINGS = 30;

    private final LoginThrottleSettings settings;
    private final Clock clock;
    private final Cache<String, Failures> users;
    private final Cache<String, Failures> addresses;

    public LoginThrottle(LoginThrottleSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.users = newCache(settings);
        this.addresses = newCache(settings);
    }

    /** Lets an attempt for {@code userName} from {@code address} through, or throws TOO_MANY_REQUESTS. */
    public Attempt admit(String userName, String address) {
        Instant now = clock.instant();
        Failures user = users.get(userName.toLowerCase(Locale.ROOT), key -> new Failures());
        Failures from = addresses.get(addressKey(address), key -> new Failures());
        Duration wait = user.tryAdmit(now, settings.freeFailuresPerUser());
        if (wait.isZero()) {
            wait = from.tryAdmit(now, settings.freeFailuresPerAddress());
            if (!wait.isZero()) {
                user.takeBack();
            }
        }
        if (!wait.isZero()) {
            // When to retry travels as Retry-After (ErrorInfo.metadata over gRPC).
            throw MediameshException.retryLater(ErrorCode.TOO_MANY_REQUESTS, "Too many failed sign-ins; retry later.",
                                                wait);
        }
        return new Attempt(user, from);
    }

    /** An attempt let through, counted as a failure until told otherwise. */
    public static final class Attempt {
        private final Failures user;
        private final Failures address;

        private Attempt(Failures user, Failures address) {
            this.user = user;
            this.address = address;
        }

        /** The password was right: the user name starts afresh, the address gets its attempt back. */
        public void succeeded() {
            user.clear();
            address.takeBack();
        }

        /** The password was never judged (the hash could not run): the attempt does not count. */
        public void notJudged() {
            user.takeBack();
            address.takeBack();
        }
    }

    private Duration delayAfter(int failuresBeyondFree) {
        int doublings = Math.min(failuresBeyondFree, MAX_DOUBLINGS);
        Duration delay = settings.delay().multipliedBy(1L << doublings);
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    /** One user name's or address's failures; the time of the last one. */
    private final class Failures {
        private int count;
        private Instant last = Instant.EPOCH;

        /** Counts an attempt and answers zero, or answers how long it must wait. */
        synchronized Duration tryAdmit(Instant now, int free) {
            if (count >= free) {
                Instant allowedAt = last.plus(delayAfter(count - free));
                if (now.isBefore(allowedAt)) {
                    return Duration.between(now, allowedAt);
                }
            }
            count++;
            last = now;
            return Duration.ZERO;
        }

        synchronized void takeBack() {
            count = Math.max(0, count - 1);
        }

        synchronized void clear() {
            count = 0;
        }
    }

    /** An IPv4 address as it is; an IPv6 address as its /64. */
    static String addressKey(String address) {
        if (!InetAddresses.isInetAddress(address)) {
            return address;
        }
        InetAddress parsed = InetAddresses.forString(address);
        if (parsed instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(parsed.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddresses.toAddrString(InetAddress.getByAddress(prefix)) + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return parsed.getHostAddress();
    }

    private static Cache<String, Failures> newCache(LoginThrottleSettings settings) {
        return Caffeine.newBuilder().expireAfterAccess(settings.forgetAfter()).maximumSize(settings.maxTracked())
                       .build();
    }
}
