# syntax=docker/dockerfile:1
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ferry ./cmd/ferry && mkdir -p /out/data

# A static binary on a distroless base: no shell, non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ferry /usr/local/bin/ferry
# /data must belong to the user ferry runs as, or a volume mounted there is read-only to it.
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
VOLUME /data
EXPOSE 4566 1883
ENV FERRY_LISTEN=0.0.0.0:4566
# State survives restarts in the /data volume; set FERRY_DATA_DIR= (empty)
# for a fresh, in-memory ferry at every start.
ENV FERRY_DATA_DIR=/data
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/usr/local/bin/ferry", "health"]
ENTRYPOINT ["/usr/local/bin/ferry"]
