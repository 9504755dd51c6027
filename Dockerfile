# pixdrop as a container: built with every codec (libheif for HEIC/HEIF and
# AVIF input), run as an unprivileged user on a small Debian runtime that
# holds only the binary and the shared libraries it links. Nothing in the
# image or its runtime writes images to disk; the history database is the
# only state, and with PostgreSQL (see compose.yaml) the container has none.

FROM rust:1-bookworm AS build
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libheif-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --features heif \
    && install -m 0755 target/release/pixdrop /usr/local/bin/pixdrop

FROM debian:bookworm-slim
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libheif1 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/pixdrop --create-home pixdrop
COPY --from=build /usr/local/bin/pixdrop /usr/local/bin/pixdrop
USER pixdrop
WORKDIR /var/lib/pixdrop
ENV PIXDROP_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["pixdrop"]
CMD ["serve"]
