import { Module } from '@nestjs/common';
import { ServingModule } from './serving/serving.module';

/** The inference service: serves promoted models over the Open Inference Protocol. */
@Module({
  imports: [ServingModule],
})
export class AppModule {}
