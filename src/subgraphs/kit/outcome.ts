import { Directive, Field, ObjectType } from 'type-graphql';

/** What a management command printed, for legacy clients that pass it on (Gluster REST `output`). */
@ObjectType({ description: 'What a management command printed, when the backend reports it.' })
@Directive('@shareable')
export class CommandOutcome {
  @Field(() => String, {
    nullable: true,
    description: 'Standard output, trimmed; null when the backend prints none.',
  })
  output!: string | null;
}
