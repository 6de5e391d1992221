using Spectre.Console;

namespace WebhookLab.Bench.Terminal;

// Live figures of the scenario under way.
public interface IScenarioProgress
{
    void Report(ProgressFigures figures);
}

public readonly record struct ProgressFigures(string Phase, long Published, long PublishTarget, long Delivered, long DeliverTarget, double DeliveredPerSecond);

// Where the bench tells what it does: a Spectre.Console progress display on a terminal, plain lines elsewhere (CI, tests).
public interface IBenchConsole
{
    void Line(string text);

    Task<T> ScenarioAsync<T>(string title, Func<IScenarioProgress, Task<T>> run);

    public static IBenchConsole Create(bool plain, TextWriter? log = null) =>
        plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
            ? new PlainConsole(Console.Out, log)
            : new LiveConsole(log);
}

public sealed class PlainConsole(TextWriter output, TextWriter? log) : IBenchConsole
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(2);

    public void Line(string text)
    {
        var line = $"[{DateTime.Now:HH:mm:ss}] {text}";
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
            log?.WriteLine(line);
            log?.Flush();
        }
    }

    public Task<T> ScenarioAsync<T>(string title, Func<IScenarioProgress, Task<T>> run)
    {
        Line($"== {title}");
        return run(new LineProgress(this, title));
    }

    private sealed class LineProgress(PlainConsole console, string title) : IScenarioProgress
    {
        private DateTime _last = DateTime.MinValue;
        private string _phase = "";

        public void Report(ProgressFigures f)
        {
            if (f.Phase == _phase && DateTime.UtcNow - _last < ReportEvery)
            {
                return;
            }

            _phase = f.Phase;
            _last = DateTime.UtcNow;
            console.Line($"   {title} [{f.Phase}] published {f.Published:N0}/{f.PublishTarget:N0}, delivered {f.Delivered:N0}/{f.DeliverTarget:N0} ({f.DeliveredPerSecond:N0}/s)");
        }
    }
}

public sealed class LiveConsole(TextWriter? log) : IBenchConsole
{
    private readonly List<string> _held = [];
    private bool _live;

    public void Line(string text)
    {
        var line = $"[{DateTime.Now:HH:mm:ss}] {text}";
        lock (_held)
        {
            log?.WriteLine(line);
            log?.Flush();
            // Lines written under a live display would tear it: they wait for it to end.
            if (_live)
            {
                _held.Add(line);
                return;
            }
        }

        AnsiConsole.MarkupLine(Markup.Escape(line));
    }

    public async Task<T> ScenarioAsync<T>(string title, Func<IScenarioProgress, Task<T>> run)
    {
        AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
        lock (_held)
        {
            _live = true;
        }

        try
        {
            return await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var published = context.AddTask("published", maxValue: 1);
                    var delivered = context.AddTask("delivered", maxValue: 1);
                    return await run(new TaskProgress(published, delivered));
                });
        }
        finally
        {
            List<string> held;
            lock (_held)
            {
                _live = false;
                held = [.. _held];
                _held.Clear();
            }

            foreach (var line in held)
            {
                AnsiConsole.MarkupLine(Markup.Escape(line));
            }
        }
    }

    private sealed class TaskProgress(ProgressTask published, ProgressTask delivered) : IScenarioProgress
    {
        public void Report(ProgressFigures f)
        {
            published.MaxValue = Math.Max(1, f.PublishTarget);
            published.Value = Math.Min(f.Published, published.MaxValue);
            published.Description = $"{Markup.Escape(f.Phase)}: published {f.Published:N0}";
            delivered.MaxValue = Math.Max(1, f.DeliverTarget);
            delivered.Value = Math.Min(f.Delivered, delivered.MaxValue);
            delivered.Description = $"delivered {f.Delivered:N0} ({f.DeliveredPerSecond:N0}/s)";
        }
    }
}
