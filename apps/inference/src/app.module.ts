import { Module } from '@nestjs/common';

/** The inference service: serves promoted models over the Open Inference Protocol. */
@Module({
  imports: [],
})
export class AppModule {}
