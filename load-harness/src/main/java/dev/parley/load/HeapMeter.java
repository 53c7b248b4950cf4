package dev.parley.load;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The heap in use of each of our JVMs, sampled once a second at no cost to them: HotSpot keeps its
 * counters in a memory-mapped file ({@code /tmp/hsperfdata_<user>/<pid>}, what jstat reads), so a
 * sample is a few reads of shared memory, not an attach. Heap in use is the sum of every
 * generation's spaces ({@code sun.gc.generation.N.space.M.used}); its peak over a run includes
 * garbage not yet collected, so it is what the process must have room for. Processes without the
 * file (another user's, {@code -XX:-UsePerfData}) are left out.
 */
final class HeapMeter {

    private static final Pattern SPACE_USED = Pattern.compile("sun\\.gc\\.generation\\.\\d+\\.space\\.\\d+\\.used");
    private static final int MAGIC = 0xcafec0c0;

    private record Counters(MappedByteBuffer data, int[] offsets) {
        long sum() {
            long total = 0;
            for (int offset : offsets) {
                total += data.getLong(offset);
            }
            return total;
        }
    }

    private final Map<String, Counters> counters = new LinkedHashMap<>();
    private final Map<String, Long> peaks = new LinkedHashMap<>();

    HeapMeter(Map<String, Long> pids) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"));
        pids.forEach((name, pid) -> {
            Counters c = open(dir.resolve(Long.toString(pid)));
            if (c != null) {
                counters.put(name, c);
            }
        });
    }

    /** Reads every process's heap in use now and keeps the peak. */
    void sample() {
        counters.forEach((name, c) -> peaks.merge(name, c.sum(), Math::max));
    }

    /** Peak heap in use per process, in MiB. */
    Map<String, Object> peaksMiB() {
        Map<String, Object> mib = new LinkedHashMap<>();
        peaks.forEach((name, bytes) -> mib.put(name, Math.round(bytes / 1048576.0 * 10) / 10.0));
        return mib;
    }

    private static Counters open(Path file) {
        if (!Files.isReadable(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file)) {
            MappedByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            if (data.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) {
                return null;
            }
            data.order(data.get(4) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            int entry = data.getInt(24);
            int entries = data.getInt(28);
            List<Integer> offsets = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                int length = data.getInt(entry);
                int nameAt = entry + data.getInt(entry + 4);
                int end = nameAt;
                while (data.get(end) != 0) {
                    end++;
                }
                byte[] name = new byte[end - nameAt];
                data.get(nameAt, name);
                if (data.get(entry + 12) == 'J' && SPACE_USED.matcher(new String(name, StandardCharsets.US_ASCII)).matches()) {
                    offsets.add(entry + data.getInt(entry + 16));
                }
                entry += length;
            }
            return offsets.isEmpty() ? null : new Counters(data, offsets.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
