/** Models shared by the model integration suites (value imports of RHash/RSet: design:type needs them at run time). */
import { Model, model, field } from "../../src/index";
import { RHash } from "../../src/containers/hash";
import { RSet } from "../../src/containers/set";
import { RList } from "../../src/containers/list";
import { RZSet } from "../../src/containers/zset";
import { codecs } from "../../src/codec";

@model()
export class Person extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name!: string;
  @field.text({ unique: true }) email!: string;
  @field.integer({ index: true }) age = 0;
  @field.float({ sortable: true }) score: number | null = null;
  @field.date({ index: true }) createdAt = new Date();
  @field.boolean({ index: true }) active = true;
  @field.json() prefs: Record<string, unknown> = {};
  @field.enum(["admin", "user"], { index: true }) role: "admin" | "user" = "user";
  @field.text({ fullText: { stemming: "english" } }) bio = "";
  @field.bytes() avatar: Buffer | null = null;
  @field.hash() meta!: RHash<string>;
  @field() follows!: RSet<string>;
  @field.list() tags!: RList<string>;
  @field() ranks!: RZSet<string>;
  @field.list({ codec: codecs.integer }) visits!: RList<number>;
}

@model({ name: "Ticket" })
export class Ticket extends Model {
  @field.id({ auto: "increment" }) id!: number;
  @field() title = "";
  @field.integer({ index: true }) priority = 1;
}

@model()
export class Gadget extends Model {
  @field.id() id!: string;
  @field.text({ required: true }) label!: string;
  @field.integer({ default: () => 5, unique: true }) serial!: number;
  @field.uuid({ index: true }) owner: string | null = null;
  @field.enum(["s", "m", "l"], { index: true, default: "m" }) size!: "s" | "m" | "l";
}

@model({ ttl: 0.3 })
export class Session extends Model {
  @field.id() id!: string;
  @field.text({ unique: true }) token!: string;
  @field.text({ index: true }) user!: string;
}

