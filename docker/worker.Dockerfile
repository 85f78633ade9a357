# syntax=docker/dockerfile:1
#
# The AIDP worker: `aidp temporal worker` on Node.js 20, with git. Build it from the repository root
# (docker-compose.worker.yml does):
#
#   docker build -f docker/worker.Dockerfile -t aidp-worker .
#
# The agent CLI is NOT part of AIDP and not in the image unless you name it: AGENT_NPM_PACKAGES is a
# space-separated list of npm packages installed globally, e.g.
#
#   docker build -f docker/worker.Dockerfile \
#     --build-arg AGENT_NPM_PACKAGES="@anthropic-ai/claude-code" -t aidp-worker .
#
# (@openai/codex, @google/gemini-cli, @github/copilot, opencode-ai likewise; add pnpm or yarn there
# too if your project's checks need them). Agents and toolchains not on npm need an image built
# FROM this one.
#
# Secrets are never part of the image: GITHUB_TOKEN, TEMPORAL_API_KEY and the agent's keys
# (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...) are read from the container's environment when it runs.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
# pnpm from npm, the version of package.json#packageManager (corepack is not used: it cannot verify
# pnpm on every registry).
RUN npm install -g pnpm@10.34.9
WORKDIR /app
# The dependencies first: this layer is reused until the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline && pnpm run build

FROM ${NODE_IMAGE}
ARG AGENT_NPM_PACKAGES=""
# git: the worker makes worktrees and commits checkpoints; tini: forwards SIGTERM so the worker shuts
# down gracefully, and reaps the agents' processes.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates git tini \
  && rm -rf /var/lib/apt/lists/*
RUN if [ -n "$AGENT_NPM_PACKAGES" ]; then npm install -g $AGENT_NPM_PACKAGES && npm cache clean --force; fi
# The projects are mounted from the host and owned by a host user; let git work in them anyway.
RUN git config --system --add safe.directory '*'
WORKDIR /app
# The whole built workspace, with the node_modules it was built and tested with. (A production-only
# install drops @temporalio/*, which the library packages declare as peer and dev dependencies.)
COPY --from=build --chown=node:node /app /app
USER node
# Prometheus metrics (metrics.prometheus, 0.0.0.0:9090 by default).
EXPOSE 9090
ENTRYPOINT ["tini", "--"]
CMD ["node", "packages/cli/bin/aidp.js", "temporal", "worker"]
