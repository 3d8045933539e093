# One image, both processes: `chasebot bot` (the default) or `chasebot worker`. SQLite lives on the /data volume.
# CI runs the same `dotnet publish` commands (deploy/docker/publish-check.sh), since no Docker engine runs there.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Published for the image's architecture, compiled ahead of time (ReadyToRun: about half the start-up time).
ARG TARGETARCH
WORKDIR /src
# Restore from the project files alone first, so the package layer is cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Core/ChaseBot.Core.csproj src/Core/
COPY src/Worker/ChaseBot.Worker.csproj src/Worker/
COPY src/Bot/ChaseBot.Bot.csproj src/Bot/
RUN rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
 && dotnet restore src/Bot/ChaseBot.Bot.csproj -r "$rid" && dotnet restore src/Worker/ChaseBot.Worker.csproj -r "$rid"
COPY src/ src/
RUN rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
 && dotnet publish src/Bot/ChaseBot.Bot.csproj -c Release -r "$rid" --no-restore -o /app/bot \
 && dotnet publish src/Worker/ChaseBot.Worker.csproj -c Release -r "$rid" --no-restore -o /app/worker

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# Time-zone data, so Chase:TimeZone (e.g. Europe/London) resolves; a font for the text in the digest's chart.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
COPY deploy/docker/chasebot /usr/local/bin/chasebot
RUN chmod 0755 /usr/local/bin/chasebot \
 && mkdir -p /data/exports \
 && chown -R app:app /data
ENV ConnectionStrings__Chase="Data Source=/data/chasebot.db" \
    Exports__Folder=/data/exports \
    ASPNETCORE_URLS=http://+:8080 \
    Worker__HealthUrls=http://0.0.0.0:8081
# The non-root user the .NET images provide.
USER app
VOLUME /data
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/chasebot"]
CMD ["bot"]
