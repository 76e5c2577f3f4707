import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

export interface StaticAsset {
  etag: string;
  contentType: string;
  identity: Buffer;
  gzip: Buffer;
  brotli: Buffer;
}

let page: StaticAsset | undefined;

/**
 * The GraphiQL page with every script and style inlined (operators may have no internet), built
 * and compressed once on first use.
 */
export function graphiqlPage(): StaticAsset {
  if (!page) {
    const html = renderGraphiQL({
      endpoint: '/graphql',
      title: 'cloudfed GraphiQL',
      defaultQuery: DEFAULT_QUERY,
      headers: '{\n  "Authorization": "Bearer <your token>"\n}',
      shouldPersistHeaders: true,
    } as never);
    const identity = Buffer.from(html, 'utf8');
    page = {
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
      contentType: 'text/html; charset=utf-8',
      identity,
      gzip: gzipSync(identity, { level: 9 }),
      brotli: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }),
    };
  }
  return page;
}

const DEFAULT_QUERY = `# Welcome to cloudfed. Put your token in the Headers tab below, then run:
query Datacenter {
  virtualMachines(first: 10) {
    totalCount
    nodes {
      name
      state
      node { name memory { freeMiB } }
      volumes { id sizeFormatted }
      networks { vni description }
      assignedUsers { displayName }
    }
  }
}
`;
