# Multi-stage image for every Switchyard process; the compose file picks the command.
# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/generate.ts scripts/generate.ts
COPY prisma prisma
COPY prisma.config.ts ./
# ONNX_RUNTIME_INSTALL=cuda12 fetches the CUDA provider for the GPU image (needs internet at build time).
ARG ONNX_RUNTIME_INSTALL=skip
RUN npm ci --no-audit --no-fund --onnxruntime-node-install=${ONNX_RUNTIME_INSTALL}

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
# builds the one-file CLI served at /cli/switchyard.mjs, then the web app
RUN npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
RUN useradd --system --uid 1001 switchyard && mkdir -p /data/artifacts && chown switchyard /data/artifacts
COPY --from=build --chown=switchyard /app /app
USER switchyard
ENV ARTIFACT_DIR=/data/artifacts
EXPOSE 3000 8080
CMD ["npx", "next", "start", "-p", "3000"]
