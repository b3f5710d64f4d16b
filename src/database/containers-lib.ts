// What the container provider takes from testcontainers, as one module: the bundles load it from
// dist/containers.cjs only when a run asks for a container (scripts/build.ts), so that the other
// runs neither parse nor keep its ~5 MB (testcontainers, dockerode, ssh2, gRPC).
export * from 'testcontainers';
export { PostgreSqlContainer } from '@testcontainers/postgresql';
