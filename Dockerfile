# Multi-stage image for every Switchyard process; the compose file picks the command.
# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/generate.ts scripts/generate.ts
COPY prisma prisma
COPY prisma.config.ts ./
# onnxruntime-node's install script downloads the CUDA provider from outside the npm registry. npm ci never
# runs it here: package.json's allowScripts denies it (npm >= 11.16) and ONNXRUNTIME_NODE_INSTALL=skip makes
# it a no-op where npm ignores that field (this image's npm 10). ONNX_RUNTIME_INSTALL=cuda12 then runs it on
# purpose for the GPU image (needs internet at build time).
ARG ONNX_RUNTIME_INSTALL=skip
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund \
 && if [ "$ONNX_RUNTIME_INSTALL" != skip ]; then ONNXRUNTIME_NODE_INSTALL="$ONNX_RUNTIME_INSTALL" node node_modules/onnxruntime-node/script/install.js; fi

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
