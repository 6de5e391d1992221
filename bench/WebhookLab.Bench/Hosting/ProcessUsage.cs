using System.Globalization;
using System.Runtime.InteropServices;

namespace WebhookLab.Bench.Hosting;

// CPU time and memory of one process from /proc: utime + stime, VmRSS and VmHWM (the peak resident set since it
// started), and VmRSS split into anonymous memory (heaps) and file pages (mapped files: SQLite's mmap, the binaries).
public readonly record struct ProcessUsage(double CpuSeconds, long RssBytes, long PeakRssBytes, long AnonRssBytes, long FileRssBytes)
{
    private static readonly double TicksPerSecond = ReadTicksPerSecond();

    public static ProcessUsage? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces: the fields after its closing parenthesis start at field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

            long rss = 0, peak = 0, anon = 0, file = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kilobytes(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kilobytes(line);
                }
            }

            return new ProcessUsage(ticks / TicksPerSecond, rss, peak, anon, file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // The process is gone.
            return null;
        }
    }

    public static ProcessUsage? Current() => Read(Environment.ProcessId);

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static double ReadTicksPerSecond()
    {
        const int ScClockTicks = 2;
        try
        {
            var ticks = SysConf(ScClockTicks);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
