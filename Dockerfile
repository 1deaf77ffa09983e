# The server image: the silo (TokenExchange.Server) and txctl (for the migration Job).
# Build from the repository root: docker build -t token-exchange:dev .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/TokenExchange.Server -c Release -o /app/server \
 && dotnet publish src/TokenExchange.Cli -c Release -o /app/txctl

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
# The image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1654
EXPOSE 8080 8081 11111 30000
ENTRYPOINT ["dotnet", "/app/server/TokenExchange.Server.dll"]
