import { z } from 'zod';

export const decisionInputSchema = z.object({
  decision: z.enum(['change', 'no_change'], { message: 'Choose whether you will change something because of this barrier' }),
  text: z
    .string({ message: 'Say what you will change, or why not' })
    .trim()
    .min(1, 'Say what you will change, or why not')
    .max(2000, 'Keep it to 2,000 characters or fewer'),
});
export type DecisionInput = z.infer<typeof decisionInputSchema>;

export const youSaidWeDidInputSchema = z.object({
  youSaid: z
    .string({ message: 'Say what organisations told you' })
    .trim()
    .min(1, 'Say what organisations told you')
    .max(3000, 'Keep “You said” to 3,000 characters or fewer'),
  weDid: z
    .string({ message: 'Say what you will change as a result' })
    .trim()
    .min(1, 'Say what you will change as a result')
    .max(3000, 'Keep “We did” to 3,000 characters or fewer'),
});
export type YouSaidWeDidInput = z.infer<typeof youSaidWeDidInputSchema>;
