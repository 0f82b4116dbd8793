import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';

/**
 * LambdaInvoke, but the schedule's role may invoke the function's unqualified ARN only:
 * the stock target grants `arn:*` too (every version and alias), which our schedules never call.
 */
export class InvokeUnqualified extends LambdaInvoke {
  constructor(
    private readonly fn: IFunction,
    props: ConstructorParameters<typeof LambdaInvoke>[1],
  ) {
    super(fn, props);
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
  }
}
