# The gateway image: build with dev dependencies, run with production ones only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/admin/package.json apps/admin/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data
# V8's heap capped at 1 GB (decision 0031): its growth factor falls from 4.0 to ~1.6, which keeps
# the peak under load near 250 MB, and the cap is safe above MAX_BODY_BYTES_IN_FLIGHT (100 MiB:
# 7x plus 150 MB). Override with -e NODE_OPTIONS="--max-old-space-size=N ..." (keeping the other
# two) when raising the bound. The young generation at most 2 x 8 MB (decision 0044), and Node's
# own code on 2 MB pages where the kernel allows it (decision 0043; silent where it does not).
ENV NODE_OPTIONS="--max-old-space-size=1024 --max-semi-space-size=8 --use-largepages=silent"
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The console's static files, served at /admin.
COPY --from=build /app/apps/admin/dist ./dist/admin
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
# The probe is a plain Node: the gateway's NODE_OPTIONS would copy its code onto large pages every 10 s.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD NODE_OPTIONS= node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/v1/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
STOPSIGNAL SIGTERM
# V8's memory reducer off (decision 0050): its collections drop much of the optimized code, and the
# first seconds of the next burst ran at up to twice the CPU per call. NODE_OPTIONS refuses the
# flag, so it is here; the idle collector (IDLE_GC_REDUCE_MS) still gives a burst's memory back
# after a minute of quiet.
CMD ["node", "--no-memory-reducer", "dist/apps/gateway/src/main.js"]
