import React, { type ReactNode } from 'react';
import { Box, Stack, Text } from '@grafana/ui';

/** The config page's label width, in Grafana's grid units: one column of labels down the page. */
export const CONFIG_LABEL_WIDTH = 20;

interface Props {
  title: string;
  description: string;
  /** Lets a field name the description with aria-describedby. */
  descriptionId?: string;
  children: ReactNode;
}

/** A titled section of the config page: its heading set apart from the fields above, its description, its fields. */
export function ConfigSection({ title, description, descriptionId, children }: Props) {
  return (
    <Box marginTop={3}>
      <Stack direction="column" gap={0.5}>
        <Text element="h3" variant="h4">
          {title}
        </Text>
        <Text color="secondary" id={descriptionId}>
          {description}
        </Text>
        {children}
      </Stack>
    </Box>
  );
}
