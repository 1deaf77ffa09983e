# The server image: the silo (TokenExchange.Server) and txctl (for the migration Job).
# Build from the repository root: docker build -t token-exchange:dev .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The server for the build machine's runtime (use-current-runtime): its csproj then compiles it ReadyToRun (warm start).
RUN dotnet publish src/TokenExchange.Server -c Release --use-current-runtime --self-contained false -o /app/server \
 && dotnet publish src/TokenExchange.Cli -c Release -o /app/txctl

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
# The image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1654
# A container is a cluster node: the server refuses the development defaults (config/dev.yaml, whose secrets
# and admin key are published) and says in one line how to start a dev node instead. See README, Docker.
ENV TX_CONTAINER=true
# HTTP and gRPC front doors, and the silo port (silo-to-silo only, mutual TLS). No Orleans client gateway.
EXPOSE 8080 8081 11111
ENTRYPOINT ["dotnet", "/app/server/TokenExchange.Server.dll"]
