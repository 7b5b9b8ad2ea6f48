# syntax=docker/dockerfile:1
# Firebreak's image: Node 22 LTS, built in one stage, run in a slim one as a non-root user with a
# read-only root filesystem (the process writes nothing outside /tmp). Mount the config file at
# /etc/firebreak/firebreak.yaml and, to edit runbooks without a rebuild, runbook-content at
# /etc/firebreak/runbook-content with FIREBREAK_CONTENT_DIR pointing there.
#   docker build -t firebreak .
#   docker run --read-only --tmpfs /tmp -p 3000:3000 --env-file .env -e REDIS_URL=redis://redis:6379 firebreak

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    FIREBREAK_CONFIG=/etc/firebreak/firebreak.yaml \
    FIREBREAK_ROLE=all
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY runbook-content ./runbook-content
# The node image's unprivileged user (uid 1000); Kubernetes' runAsNonRoot checks the numeric id.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
