using ChaseBot.Bot.Health;
using ChaseBot.Core;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddChaseCore(builder.Configuration);

var app = builder.Build();
app.MapHealth();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
