package dev.speglar.agent.debug;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.time.Instant;

/**
 * A jstack-like dump of every platform thread with full stacks, held monitors and synchronizers, and deadlocks.
 * Written out here because {@link ThreadInfo#toString()} cuts stacks at eight frames.
 */
final class ThreadDump {
    private ThreadDump() {}

    static String capture() {
        var mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] threads = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        StringBuilder b = new StringBuilder("Thread dump ")
                .append(Instant.now())
                .append(" (")
                .append(threads.length)
                .append(" platform threads; virtual threads are not listed)\n\n");
        for (ThreadInfo t : threads) {
            thread(b, t);
        }
        long[] deadlocked = mx.findDeadlockedThreads();
        if (deadlocked != null) {
            b.append("DEADLOCK between thread ids");
            for (long id : deadlocked) {
                b.append(' ').append(id);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static void thread(StringBuilder b, ThreadInfo t) {
        b.append('"')
                .append(t.getThreadName())
                .append("\" #")
                .append(t.getThreadId())
                .append(t.isDaemon() ? " daemon" : "")
                .append(" prio=")
                .append(t.getPriority())
                .append(' ')
                .append(t.getThreadState());
        if (t.getLockName() != null) {
            b.append(" on ").append(t.getLockName());
        }
        if (t.getLockOwnerName() != null) {
            b.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
        }
        b.append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < stack.length; i++) {
            b.append("\tat ").append(stack[i]).append('\n');
            for (MonitorInfo m : t.getLockedMonitors()) {
                if (m.getLockedStackDepth() == i) {
                    b.append("\t- locked ").append(m).append('\n');
                }
            }
        }
        LockInfo[] syncs = t.getLockedSynchronizers();
        if (syncs.length > 0) {
            b.append("\tLocked synchronizers:\n");
            for (LockInfo l : syncs) {
                b.append("\t- ").append(l).append('\n');
            }
        }
        b.append('\n');
    }
}
