using ChaseBot.Bot.Health;
using ChaseBot.Bot.Slack;
using ChaseBot.Bot.Teams;
using ChaseBot.Core;
using ChaseBot.Core.Logging;
using ChaseBot.Core.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddChaseLogging(builder.Configuration);
builder.Services.AddChaseCore(builder.Configuration);
builder.Services.AddSingleton<DatabaseMigration>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigration>());
builder.Services.AddSlackEndpoints();

var app = builder.Build();
app.UseCorrelationId();
app.UseSlackVerification();
app.MapHealth();
app.MapSlack();
app.MapTeams();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
