import { Field, InputType, registerEnumType } from 'type-graphql';

export enum RouterMode {
  PRIMARY = 'primary',
  SECONDARY = 'secondary',
}
registerEnumType(RouterMode, {
  name: 'RouterMode',
  description: 'The router mode a coordinator can be put in.',
});

@InputType({ description: 'Selects nodes.' })
export class ClusterNodeFilter {
  @Field(() => String, {
    nullable: true,
    description: 'ECMAScript regular expression, searched in the name (anchor it with ^ and $ as needed).',
  })
  nameMatches?: string | null;
}
