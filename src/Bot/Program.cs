using ChaseBot.Bot.Charts;
using ChaseBot.Bot.Health;
using ChaseBot.Bot.Http;
using ChaseBot.Bot.Slack;
using ChaseBot.Bot.Sources;
using ChaseBot.Bot.Teams;
using ChaseBot.Core;
using ChaseBot.Core.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddChaseHostDefaults("chasebot-bot");
// Before Slack's and Teams' services, so it stops after them and sends what they left owed.
builder.Services.AddSingleton<OwedReplies>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<OwedReplies>());
builder.Services.AddSlackEndpoints();

var app = builder.Build();
app.UseCorrelationId();
app.UseSlackVerification();
app.MapHealth();
app.MapChaseMetrics();
app.MapSlack();
app.MapTeams();
app.MapWebhooks();
app.MapConnect();
app.MapCharts();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
