package io.packwright.agent.execute;

/**
 * The last bytes a process wrote, in a ring of fixed capacity, and how many it wrote in all.
 * Thread-safe: the reader of the process's output writes, the execution's thread reads.
 */
final class OutputTail {

    private final byte[] ring;
    private long total;

    /** @param capacity how many bytes of the end are kept (0: none) */
    OutputTail(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.ring = new byte[capacity];
    }

    synchronized void write(byte[] bytes, int offset, int length) {
        int capacity = ring.length;
        if (capacity > 0) {
            int skip = Math.max(0, length - capacity);
            for (int i = offset + skip; i < offset + length; i++) {
                ring[(int) ((total + i - offset) % capacity)] = bytes[i];
            }
        }
        total += length;
    }

    /** The kept bytes, oldest first: the last {@code min(total, capacity)} bytes written. */
    synchronized byte[] tail() {
        int capacity = ring.length;
        int kept = (int) Math.min(total, capacity);
        byte[] tail = new byte[kept];
        for (int i = 0; i < kept; i++) {
            tail[i] = ring[(int) ((total - kept + i) % capacity)];
        }
        return tail;
    }

    /** How many bytes were written in all. */
    synchronized long total() {
        return total;
    }

    /** Whether more was written than is kept. */
    synchronized boolean cut() {
        return total > ring.length;
    }
}
