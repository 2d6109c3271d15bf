# The PostgreSQL functions (PostgresBackup, PostgresRestore, PostgresVerify) as Lambda container images.
# sam build builds it once per function, from the repository root (DockerContext: .), with:
#   FUNCTION  the function project (its assembly name is also the image's CMD, the .NET handler)
#   PG_MAJOR  the PostgreSQL major version of the server: pg_dump refuses a newer server, and the
#             dump's DDL must match the server, so client and server majors are kept equal.
# Before `sam build`, run functions/fetch-secrets-extension once per region/architecture: image functions
# cannot use layers, so the AWS Parameters and Secrets Lambda Extension is copied into the image.
ARG PG_MAJOR=15

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG FUNCTION
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY functions/ functions/
RUN test -n "$FUNCTION" && test -f "functions/$FUNCTION/$FUNCTION.csproj" \
 && dotnet publish "functions/$FUNCTION/$FUNCTION.csproj" -c Release \
      -r "linux-$([ "$TARGETARCH" = amd64 ] && echo x64 || echo arm64)" --self-contained false -o /out

FROM public.ecr.aws/lambda/dotnet:10
ARG PG_MAJOR
ARG FUNCTION
# pg_dump, psql and libpq of the server's major version, and libzstd (the engine's fast path).
RUN dnf install -y "postgresql${PG_MAJOR}" libzstd && dnf clean all \
 && pg_dump --version | grep -q " ${PG_MAJOR}\." \
 && ln -sf "$(dirname "$(readlink -f "$(command -v pg_dump)")")" /opt/postgresql-bin
ENV PG_BIN_DIR=/opt/postgresql-bin
COPY .build/secrets-extension/ /opt/
COPY --from=build /out/ ${LAMBDA_TASK_ROOT}/
CMD ["PostgresBackup"]
