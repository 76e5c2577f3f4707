import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { GlusterPeerRecord } from './source.js';

@ObjectType({ description: 'A member of the Gluster trusted storage pool.' })
@Directive('@key(fields: "id")')
export class GlusterPeer {
  @Field(() => ID, { description: 'The peer’s UUID.' }) id!: string;
  @Field(() => String, { description: '`localhost` for the node answering for the pool.' }) hostname!: string;
  @Field(() => Boolean) connected!: boolean;
  @Field(() => String, { description: 'The backend’s state text.' }) state!: string;
  @Field(() => Boolean) isSelf!: boolean;

  static from(record: GlusterPeerRecord): GlusterPeer {
    return Object.assign(new GlusterPeer(), {
      id: record.uuid,
      hostname: record.isSelf ? 'localhost' : record.hostname,
      connected: record.connected,
      state: record.state,
      isSelf: record.isSelf,
    });
  }
}
