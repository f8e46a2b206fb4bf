import { z } from 'zod';

/** A supplier's question about an exercise, from the API and the exercise page. */
export const askSchema = z.object({
  question: z
    .string({ message: 'Enter your question' })
    .trim()
    .min(1, 'Enter your question')
    .max(2_000, 'Your question must be 2,000 characters or fewer'),
});

/** The officer's answer, published to everyone or kept back. */
export const answerSchema = z.object({
  answer: z
    .string({ message: 'Enter the answer' })
    .trim()
    .min(1, 'Enter the answer')
    .max(10_000, 'The answer must be 10,000 characters or fewer'),
  publish: z.boolean({ message: 'Publish must be true or false' }).default(true),
  /** The question's wording as it will be published; left out, it is published as asked. */
  question: z
    .string({ message: 'Enter the question as it will be published' })
    .trim()
    .min(1, 'Enter the question as it will be published')
    .max(2_000, 'The question must be 2,000 characters or fewer')
    .optional(),
});
