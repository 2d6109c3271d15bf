using DisasterRecovery.LocalCloud.Schedules;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Tests;

public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("rate(1 minutes)", "singular")]
    [InlineData("rate(5 minute)", "plural")]
    [InlineData("rate(0 hours)", "positive")]
    [InlineData("cron(0 2 * * *)", "6 fields")]
    [InlineData("cron(0 2 * * MON *)", "exactly one of day-of-month")]
    [InlineData("cron(61 2 * * ? *)", "minutes")]
    [InlineData("every 5 minutes", "not a schedule expression")]
    public void Parse_WhenExpressionIsInvalid_ShouldSayWhy(string expression, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ScheduleExpression.Parse(expression));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Occurrences_WhenCronUsesWeekdayRangeAndStep_ShouldFireOnlyThen()
    {
        var cron = ScheduleExpression.Parse("cron(0/30 9-10 ? * MON-FRI *)");

        var firings = cron.Occurrences(Monday, Monday.AddDays(7), Monday).ToList();

        Assert.Equal(20, firings.Count); // 5 weekdays × 2 hours × 2 half-hours
        Assert.All(firings, f => Assert.InRange((int)f.DayOfWeek, 1, 5));
        Assert.Equal(Monday.AddHours(9), firings[0]);
        Assert.Equal(Monday.AddDays(4).AddHours(10).AddMinutes(30), firings[^1]);
    }

    [Fact]
    public void Occurrences_WhenCronUsesLastDayAndNthWeekday_ShouldPickThoseDays()
    {
        var lastDay = ScheduleExpression.Parse("cron(0 3 L * ? 2025)");
        var secondTuesday = ScheduleExpression.Parse("cron(0 3 ? * 3#2 2025)");
        var year = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var lastDays = lastDay.Occurrences(year, year.AddYears(1), year).Select(d => d.Day).ToList();
        var tuesdays = secondTuesday.Occurrences(year, year.AddMonths(3), year).Select(d => d.Date.Day).ToList();

        Assert.Equal(new List<int> { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }, lastDays);
        Assert.Equal(new List<int> { 14, 11, 11 }, tuesdays); // the second Tuesdays of Jan, Feb, Mar 2025
    }

    [Fact]
    public void Plan_WhenSimulatingTwoDays_ShouldFireEveryEnabledTargetAtItsUtcTimesInOrder()
    {
        using var folder = new TempFolder();
        folder.Write("m.asl.json", """{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}""");
        var template = folder.Write("template.yaml", """
            Resources:
              Nightly:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: ProbeFunction
                  Events:
                    AtTwo:
                      Type: Schedule
                      Properties:
                        Schedule: cron(0 2 * * ? *)
                        Input: '{"action": "echo"}'
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: m.asl.json
                  Events:
                    TwiceADay:
                      Type: ScheduleV2
                      Properties:
                        ScheduleExpression: rate(12 hours)
                    Off:
                      Type: ScheduleV2
                      Properties:
                        ScheduleExpression: rate(1 minute)
                        State: DISABLED
            """);
        var stack = StackLoader.Load(template, new StackSettings());

        var plan = ScheduleSimulator.Plan(stack, Monday, Monday.AddDays(2));

        Assert.Equal(
        new List<(DateTimeOffset, string)>
        {
            (Monday, "TwiceADay"),
            (Monday.AddHours(2), "AtTwo"),
            (Monday.AddHours(12), "TwiceADay"),
            (Monday.AddHours(24), "TwiceADay"),
            (Monday.AddHours(26), "AtTwo"),
            (Monday.AddHours(36), "TwiceADay"),
        }, plan.Select(f => (f.At, f.Schedule.EventName)).ToList());
        Assert.Equal("""{"action": "echo"}""", plan[1].Input);
        Assert.Equal("{}", plan[0].Input); // EventBridge Scheduler's default input
    }

    [Fact]
    public void Plan_WhenRepositoryTemplateOverTwoDays_ShouldFireTheHealthCheckEveryFiveMinutes()
    {
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings());

        var plan = ScheduleSimulator.Plan(stack, Monday, Monday.AddDays(2)).Where(f => f.Schedule.TargetLogicalId == "ServiceHealthStateMachine").ToList();

        Assert.Equal(2 * 24 * 12, plan.Count);
        Assert.All(plan.Zip(plan.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(5), pair.Second.At - pair.First.At));
    }
}
