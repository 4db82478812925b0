<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>ZcEnforcement</name>
    <message>
      <location filename="zc_enforcement_plugin/deadline_tags.py" />
      <source>statutory</source>
      <translation>法定</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/deadline_tags.py" />
      <source>work plan</source>
      <translation>工作方案</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/deadline_tags.py" />
      <source>{kind}, to verify</source>
      <translation>{kind}，待核实</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/i18n.py" />
      <source>Verdict</source>
      <translation>判定</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/i18n.py" />
      <source>{description} (parameter {name})</source>
      <translation>{description}（参数 {name}）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>&amp;ZC Enforcement</source>
      <translation>淄川卫片执法(&amp;Z)</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>ZC Enforcement</source>
      <translation>淄川卫片执法</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Verification panel</source>
      <translation>核查面板</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Screen spots…</source>
      <translation>图斑叠加筛查…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Create demo district…</source>
      <translation>创建示例区县…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Install them, then restart QGIS.</source>
      <translation>安装后请重新启动 QGIS。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>The Python package chinesecalendar is not installed: working-day deadlines in years the bureau's holiday file does not give are estimates: Monday to Friday less the fixed-date holidays (1 January, 1-2 May, 1-3 October), the lunar festivals and swapped working days not counted. Install it, then restart QGIS: Windows (OSGeo4W Shell): {windows}; Debian/Ubuntu: {debian}</source>
      <translation>未安装 Python 包 chinesecalendar：本局节假日文件未列出的年份，其工作日期限为估算（周一至周五，扣除1月1日、5月1日至2日、10月1日至3日，不计农历节日和调休）。安装后请重新启动 QGIS：Windows（OSGeo4W Shell）：{windows}；Debian/Ubuntu：{debian}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Python packages missing or unusable: {packages}.</source>
      <translation>缺少或无法使用的 Python 包：{packages}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Missing Python packages: {packages}.</source>
      <translation>缺少 Python 包：{packages}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Windows (OSGeo4W Shell): {command}</source>
      <translation>Windows（OSGeo4W Shell）：{command}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Debian/Ubuntu: {command}</source>
      <translation>Debian/Ubuntu：{command}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>{package} is installed but cannot be used ({error}). Installing it again will not help: a package installed with pip may have replaced one it needs (numpy 2 beside Debian's numpy 1; put numpy 1 back with: python3 -m pip install --user --break-system-packages "numpy&lt;2"). Then restart QGIS.</source>
      <translation>{package} 已安装但无法使用（{error}）。重新安装它无济于事：用 pip 安装的某个包可能替换了它所依赖的包（如 numpy 2 替换了 Debian 的 numpy 1；可用 python3 -m pip install --user --break-system-packages "numpy&lt;2" 装回 numpy 1）。然后重新启动 QGIS。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>What is on the ground (spots or a field survey)</source>
      <translation>实地现状（图斑或实地调查）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Ground id field</source>
      <translation>实地要素编号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Ground use field</source>
      <translation>实地用途字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Uses that mean the same (word=use it stands for, ';'-separated)</source>
      <translation>同义用途（写法=所指用途，以“;”分隔）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Permanent basic farmland (YJJBNT)</source>
      <translation>永久基本农田（YJJBNT）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>The approvals layer cannot be opened.</source>
      <translation>无法打开批准图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Filing number field</source>
      <translation>备案编号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Filed area field (m²)</source>
      <translation>备案面积字段（平方米）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Filed use field</source>
      <translation>备案用途字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Approval number field</source>
      <translation>批准文号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Approved area field (m²)</source>
      <translation>批准面积字段（m²）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>Approved use field</source>
      <translation>批准用途字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>The ground layer cannot be opened.</source>
      <translation>无法打开实地现状图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/approval_audit.py" />
      <source>{parameter}: “{item}” is not word=use (e.g. 施工临时用地=临时施工用地).</source>
      <translation>{parameter}：“{item}”不是“写法=用途”的形式（例如 施工临时用地=临时施工用地）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Audit facility agricultural land</source>
      <translation>设施农用地核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Audits facility agricultural land filings (设施农用地备案) against what is on the ground (polygons with a use in words). Needs the filing number and filed area (m²); the auxiliary-facility limits are parameters (a share of the filed area and an area in m², the smaller binding; leave one empty to skip it), as are the words for auxiliary facilities and for non-agricultural uses. Violations (WFDM, WFLX, WFMJ m², SDBH, WFSM): CFW ground outside the filed boundary; CMJ used area above the filed area (the excess in the note); GBYT a non-agricultural use (housing, farm stays, …) inside a filing; FZCB auxiliary facilities over the limit (the polygon all of them, the excess in the note); ZYJBNT ground on permanent basic farmland with a use not allowed there. The per-filing table gives PZWH, PZYT, PZMJ_PF, FWNMJ, CFWMJ, SYMJ, SDBH, SDYT, FZSSMJ auxiliary area, YJJBNTMJ basic farmland used, SL_ counts by violation code (SL_CFW, …), WFSL and JCJG. {campaign_spots} Parameters: ground uses that are auxiliary facilities, ground uses that are not agricultural (GBYT) and ground uses allowed on basic farmland (ZYJBNT) are ';'-separated words the ground use field is matched against; auxiliary facilities at most (% of the filed area, m²) are the FZCB limits; uses that mean the same (USE_SYNONYMS: word=use it stands for, ';'-separated, e.g. 大棚=设施农业用地) let a ground word count as the filed use it stands for, a wording difference being otherwise another use.</source>
      <translation>将设施农用地备案与实地现状（带用途文字的面）进行比对。需要备案编号和备案面积（m²）；辅助设施上限为参数（占备案面积的比例和面积 m²，取较小者；留空则不检查该项），辅助设施用途词和非农用途词也是参数。违法情形（WFDM、WFLX、WFMJ m²、SDBH、WFSM）：CFW 超出备案范围；CMJ 使用面积超过备案面积（超出部分写在说明中）；GBYT 备案范围内有非农用途（住宅、农家乐等）；FZCB 辅助设施超标（图形为全部辅助设施，超出部分写在说明中）；ZYJBNT 在永久基本农田上有不允许的用途。按备案输出的表给出 PZWH、PZYT、PZMJ_PF、FWNMJ、CFWMJ、SYMJ、SDBH、SDYT、FZSSMJ 辅助设施面积、YJJBNTMJ 占用永久基本农田面积、SL_ 加违法代码的各类违法数（SL_CFW 等）、WFSL 和 JCJG。{campaign_spots}参数：属于辅助设施的实地用途、属于非农用途的实地用途（GBYT）和允许占用永久基本农田的实地用途（ZYJBNT）均为以 ; 分隔的词，与实地用途字段比对；辅助设施上限（占备案面积的百分比、平方米）为 FZCB 的限额；同义用途（USE_SYNONYMS：实地用词=其所指用途，以 ; 分隔，如 大棚=设施农业用地）列出的实地用词按其所指的备案用途计，否则用词不同即视为另一用途。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Facility agricultural land filings</source>
      <translation>设施农用地备案</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Ground uses that are auxiliary facilities (';'-separated)</source>
      <translation>属于辅助设施的实地用途（以“;”分隔）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Auxiliary facilities at most (% of the filed area)</source>
      <translation>辅助设施上限（占备案面积的 %）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Auxiliary facilities at most (m²)</source>
      <translation>辅助设施上限（m²）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Ground uses that are not agricultural (';'-separated)</source>
      <translation>属于非农用途的实地用途（以“;”分隔）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Ground uses allowed on basic farmland (';'-separated)</source>
      <translation>允许占用永久基本农田的实地用途（以“;”分隔）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Facility land filings audited</source>
      <translation>设施农用地核查结果</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>no ground is taken as an auxiliary facility, none is checked against the limit</source>
      <translation>没有实地要素被视为辅助设施，均未按上限核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_facility_land.py" />
      <source>Auditing {count} filings</source>
      <translation>正在核查 {count} 个备案</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Audit mining</source>
      <translation>矿产开采核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Audits mining activity (spots of the mining types, or any points or polygons of mining) against the mining licences (采矿权: licence number, valid from and to) on the check date, and against no-go areas (no-mining zones, ecological red line, three-zones-two-lines view areas). Violations (WFDM, WFLX, WFMJ m², WFSM): WZKC mining without any licence; YJKC the part outside every licence it overlaps; CQKC the part under licences not valid on the check date and under no valid one; JQKC the part inside a no-go layer, named in the note. A licence with a missing or unreadable date is not taken as valid: mining under it and under no valid licence is not checked for expiry, the log says so naming layer, feature and field, and its JCJG reads 日期缺失，无法核查 or 日期无效，无法核查, never 未发现问题. The per-activity table gives KCBH activity id, KCMJ area, XKZH licences overlapped, CFWMJ area outside them, JQMC/JQMJ no-go areas hit and their area, SL_ counts by violation code (SL_WZKC, …), WFSL and JCJG. Point activities give violations without geometry. {campaign_spots} Types that are mining (';'-separated) are matched against the activity type field; left empty, every activity is mining; a type that matches no activity is said in the log.</source>
      <translation>将开采活动（采矿类型的图斑，或任何表示开采的点或面）与采矿权（许可证号、有效期起止）在检查日进行比对，并与禁止开采范围（禁采区、生态保护红线、三区两线可视范围）比对。违法情形（WFDM、WFLX、WFMJ m²、WFSM）：WZKC 无证开采；YJKC 超出所重叠的全部采矿许可范围的部分；CQKC 位于检查日已失效且不在任何有效许可证内的部分；JQKC 位于禁止开采图层内的部分，说明中写明名称。许可证日期缺失或无法识别时不按有效处理：位于其内且不在任何有效许可证内的开采不核查是否超期，日志中指明图层、要素和字段，其 JCJG 为“日期缺失，无法核查”或“日期无效，无法核查”，不写“未发现问题”。按开采活动输出的表给出 KCBH 活动编号、KCMJ 面积、XKZH 重叠的许可证、CFWMJ 超出面积、JQMC/JQMJ 涉及的禁采范围及面积、SL_ 加违法代码的各类违法数（SL_WZKC 等）、WFSL 和 JCJG。点状开采活动的违法记录没有图形。{campaign_spots}属于开采的类型（以 ; 分隔）与开采活动类型字段比对；留空时每个要素均视为开采；未匹配任何活动的类型在日志中列出。检查日期（留空为今天）决定采矿权是否有效。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Mining activity (spots, points)</source>
      <translation>开采活动（图斑、点）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Activity id field</source>
      <translation>开采活动编号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Activity type field</source>
      <translation>开采活动类型字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Types that are mining (';'-separated; empty: every feature)</source>
      <translation>属于开采的类型（以“;”分隔；留空：全部要素）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Mining licences</source>
      <translation>采矿权</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Licence number field</source>
      <translation>许可证号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Valid-from field</source>
      <translation>有效期起字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Valid-to field</source>
      <translation>有效期止字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Mining activity audited</source>
      <translation>开采活动核查结果</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>The licence layer cannot be opened.</source>
      <translation>无法打开采矿权图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>The activity layer cannot be opened.</source>
      <translation>无法打开开采活动图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Mining types are given but no activity type field.</source>
      <translation>给出了开采类型，但未选择开采活动类型字段。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>no activity is audited and both outputs are empty</source>
      <translation>未核查任何开采活动，两个输出均为空</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_mining.py" />
      <source>Auditing {count} activities</source>
      <translation>正在核查 {count} 个开采活动</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Audit temporary land</source>
      <translation>临时用地核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Audits temporary-land approvals (临时用地) against what is on the ground (polygons with a use in words), as on the check date. Needs approval number, approved area (m²), approved use, start and end dates; optionally a large-infrastructure field (是/否: energy, transport, water works may run 4 years, every other approval 2), and for the level checks an approval level (a whole rank: 1 county, 2 city, 3 province) with basic farmland and land-use layers. The periods are the deadline rules (temporary_land_max, temporary_land_max_infrastructure, temporary_land_restoration): the plugin's, or those of the ledger given; restoration years typed here replace the last. A period that ends on a working day (roll_forward) is counted on the ledger's holiday schedule; in a year without one its end is an estimate, marked 估算, and the log says which file to add the year to. Ground whose use is a restored one (the list given: cultivated land, gardens, forest, grassland; or a DLBM code 0101-0103, 02xx-04xx) is not in use: it is left out of every check, and an expired approval with only such ground is 已到期，已复垦. Violations (WFDM code, WFLX kind, WFMJ m², SDBH ground ids, WFSM note): QXCG the term runs past the longest allowed from the start date; CFW ground outside the approved boundary; CMJ used area above the approved area; GBYT ground use differs from the approved use; WPXY ground used before the start date; DQWFK still used after the end date plus the restoration period (WPXY and DQWFK only on land no other approval holds today: land a renewal covers is 已到期，用地在其他有效批准内); JBNTQX basic farmland under an approval below the required level; GDQX more cultivated land than the level allows. The per-approval table gives PZWH, PZYT, PZMJ_PF, FWNMJ used inside, CFWMJ outside, SYMJ used in all, SDBH/SDYT ground ids and uses, QSRQ/JZRQ, DQZT expiry status (日期缺失 / 日期无效 when the end date is empty / not a date), PZJB, GDMJ cultivated and YJJBNTMJ basic farmland used, SL_ counts by violation code (SL_CFW, …), WFSL total and JCJG the result in words (日期缺失，无法核查 or 日期无效，无法核查 where nothing was found but a date could not be read). Missing or unreadable dates, levels and flags are reported naming layer, feature and field. {campaign_spots} An over-long term of an approval nothing is used on is a spot without geometry. Parameters: the approval level field (1 county, 2 city, 3 province) with the lowest approval level allowed on basic farmland (BASIC_FARMLAND_MIN_LEVEL), the approval level from which cultivated land is not limited (CULTIVATED_MIN_LEVEL) and the cultivated land allowed below that level (CULTIVATED_MAX_AREA, m²) make the JBNTQX and GDQX checks; without them those checks are not made, and JCJG says so. The large infrastructure field (是/否) allows the longer term. Ground uses that mean the land is restored (';'-separated) replace the default list; uses that mean the same (USE_SYNONYMS: word=use it stands for, e.g. 施工便道=临时施工用地) let a ground word count as the approved use, a wording difference being otherwise a changed use (GBYT). Years to restore the land after the end date (RESTORATION_YEARS) replace the deadline setting of the ledger given (LEDGER).</source>
      <translation>将临时用地批准与实地现状（带用途文字的面）在检查日进行比对。需要批准文号、批准面积（m²）、批准用途、起止日期；可选重大基础设施字段（是/否：能源、交通、水利等基础设施可达 4 年，其他批准为 2 年）；审批权限检查还需要审批层级（整数等级：1 县级、2 市级、3 省级）以及永久基本农田和地类图层。期限取自期限规则“临时用地最长期限”（temporary_land_max）、“基础设施临时用地最长期限”（temporary_land_max_infrastructure）和“临时用地复垦期限”（temporary_land_restoration）：插件默认值，或所给台帐的设置；此处填写的复垦年限替代最后一项。顺延至工作日的期限（roll_forward）按台帐的节假日安排计算；没有该年安排时期限为估算，标“估算”，日志说明应在哪个文件中加入该年。实地用途属于复垦用途的（所给列表：耕地、园地、林地、草地；或地类编码 0101-0103、02xx-04xx）不算使用：不参与任何检查，已到期且只有此类实地的批准为“已到期，已复垦”。违法情形（WFDM 代码、WFLX 类型、WFMJ 面积 m²、SDBH 实地要素编号、WFSM 说明）：QXCG 批准期限超过自起始日期起允许的最长期限；CFW 超出批准范围使用；CMJ 使用面积超过批准面积；GBYT 实地用途与批准用途不符；WPXY 起始日期前已在使用（未批先用）；DQWFK 截止日期加复垦期限后仍在使用（WPXY 和 DQWFK 只计今日无其他有效批准占有的土地：续期批准覆盖的用地为“已到期，用地在其他有效批准内”）；JBNTQX 审批层级不足却占用永久基本农田；GDQX 占用耕地超过该层级允许的面积。按批准输出的表给出 PZWH、PZYT、PZMJ_PF、FWNMJ 范围内使用面积、CFWMJ 范围外面积、SYMJ 总使用面积、SDBH/SDYT 实地要素编号和用途、QSRQ/JZRQ、DQZT 到期状态（截止日期为空/不是日期时为“日期缺失”/“日期无效”）、PZJB、GDMJ 占用耕地和 YJJBNTMJ 占用永久基本农田面积、SL_ 加违法代码的各类违法数（SL_CFW 等）、WFSL 合计和 JCJG 文字结果（未发现问题但有日期无法读取时为“日期缺失，无法核查”或“日期无效，无法核查”）。日期、层级或标记缺失或无法读取时给出提示，指明图层、要素和字段。{campaign_spots}无人使用的批准期限超规时，其图斑没有图形。参数：审批层级字段（1 县级、2 市级、3 省级）与允许占用永久基本农田的最低审批层级、占用耕地不受限的审批层级、低于该层级时允许占用的耕地面积（平方米）一起用于 JBNTQX 和 GDQX 核查；未提供时不作这两项核查，JCJG 中注明。重大基础设施字段（是/否）决定可否适用较长期限。表示已复垦的实地用途（以 ; 分隔）替代默认列表；同义用途（USE_SYNONYMS：实地用词=其所指用途，如 施工便道=临时施工用地）列出的实地用词按其所指的批准用途计，否则用词不同即视为改变用途（GBYT）。截止日期后的复垦年限替代采用其期限设置的台帐（LEDGER）中的设置。检查日期（留空为今天）为判断到期的日期。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Temporary land approvals</source>
      <translation>临时用地批准</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Start date field</source>
      <translation>起始日期字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>End date field</source>
      <translation>截止日期字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Approval level field (1 county, 2 city, 3 province)</source>
      <translation>审批层级字段（1 县级、2 市级、3 省级）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Large infrastructure field (是/否; empty: every approval at most 2 years)</source>
      <translation>重大基础设施字段（是/否；为空时每项批准期限均按不超过 2 年核查）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Ground uses that mean the land is restored (';'-separated)</source>
      <translation>表示已复垦的实地用途（以“;”分隔）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Ledger whose deadline settings apply (empty: the plugin's defaults)</source>
      <translation>采用其期限设置的台帐（为空时用插件默认值）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Years to restore the land after the end date (empty: the deadline setting)</source>
      <translation>截止日期后的复垦年限（为空时按期限设置）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Lowest approval level allowed on basic farmland</source>
      <translation>允许占用永久基本农田的最低审批层级</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Land-use parcels (DLTB)</source>
      <translation>地类图斑（DLTB）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Land-class code field</source>
      <translation>地类编码字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Approval level from which cultivated land is not limited</source>
      <translation>占用耕地不受限的审批层级</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Cultivated land allowed below that level (m²)</source>
      <translation>低于该层级时允许占用的耕地面积（m²）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Temporary land approvals audited</source>
      <translation>临时用地核查结果</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Give both the cultivated-land level and the area allowed below it, or neither.</source>
      <translation>耕地审批层级与其下允许的面积须同时给出或同时留空。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/audit_temporary_land.py" />
      <source>Auditing {count} approvals</source>
      <translation>正在核查 {count} 个批准</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>the file is missing, has moved, or is not in the format its name says</source>
      <translation>文件不存在、已被移动，或与其名称所示格式不符</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{path} is a folder, where this run writes a file of that name: rename or move the folder, or write into another folder. The earlier files in the folder are as they were.</source>
      <translation>{path} 是一个文件夹，而本次运行要写入同名文件：请重命名或移走该文件夹，或写入其他文件夹。文件夹中原有的文件保持原样。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>the features past that point would be read without their shapes</source>
      <translation>其后的要素将被读成没有图形</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>the features past that point could not be found</source>
      <translation>其后的要素将无法找到</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {file} is cut short: its header says {expected} bytes, the file has {actual}; {lost}. Copy the whole Shapefile again from where it came.</source>
      <translation>{parameter}：{file} 不完整：文件头记载 {expected} 字节，实有 {actual} 字节；{lost}。请从来源重新复制整套 Shapefile。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>The output could not be completed; the disk may be full. {outputs}. The run's outputs were removed.</source>
      <translation>输出文件未能写完整，磁盘可能已满。{outputs}。本次运行的输出已删除。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>Another export or report is moving its files into the folder of {path} now: run again once it has finished, or write into another folder. The earlier files in the folder are as they were.</source>
      <translation>另一次导出或报表正在向 {path} 所在文件夹移入文件：请待其完成后再运行，或写入其他文件夹。文件夹中原有的文件保持原样。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{path} cannot be replaced ({error}): close it, or write into another folder. The earlier files in the folder are as they were.</source>
      <translation>{path} 无法替换（{error}）：请关闭该文件，或写入其他文件夹。文件夹中原有的文件保持不变。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>No ledger given.</source>
      <translation>未指定台帐。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {path} is there, but it is not a layer QGIS can read: it is not in the format its name says, or it is damaged.</source>
      <translation>{parameter}：{path} 存在，但 QGIS 无法将其作为图层读取：文件格式与扩展名不符，或文件已损坏。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: layer {layer} has no coordinate reference system in QGIS, though its file {path} declares {crs}. QGIS 3.22 can lose it when filters are set on several layers of one GeoPackage. Set it again (right-click the layer, Layer CRS, {crs}) or remove the layer and add it again, then run again.</source>
      <translation>{parameter}：图层 {layer} 在 QGIS 中没有坐标系，但其文件 {path} 声明为 {crs}。QGIS 3.22 在同一 GeoPackage 的多个图层设置了过滤条件时可能丢失坐标系。请重新设置（右键单击图层 ▸ 图层CRS ▸ {crs}），或移除该图层后重新添加，然后再运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>it holds the attributes of {readable} of the {records} features</source>
      <translation>{records} 个要素中只有 {readable} 个的属性在文件中</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>Ledger (GeoPackage, or postgis://&lt;saved connection&gt;)</source>
      <translation>台帐（GeoPackage 文件，或 postgis://&lt;已保存的连接&gt;）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: the file {path} does not exist.</source>
      <translation>{parameter}：文件 {path} 不存在。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {path} is there, but it is not a raster QGIS can read: it is not an image in the format its name says, or it is damaged.</source>
      <translation>{parameter}：{path} 存在，但 QGIS 无法将其作为栅格读取：不是扩展名所示格式的影像，或文件已损坏。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {path} has no layer {layer}.</source>
      <translation>{parameter}：{path} 中没有图层 {layer}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {path} holds {count} layers ({layers}): say which one. In the dialog, choose it with the … button's "Browse for Layer…", or add it to the project first; in a script or qgis_process, as {path}|layername={example}.</source>
      <translation>{parameter}：{path} 含 {count} 个图层（{layers}），请指明所用图层：在对话框中用“…”按钮的“浏览图层...”选择，或先把该图层加入工程；在脚本或 qgis_process 中写作 {path}|layername={example}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: the Shapefile {path} has no index file {missing} beside it, without which its features cannot be found. GDAL can rebuild it from the .shp: ogr2ogr --config SHAPE_RESTORE_SHX YES rebuilt.shp {path} (or set the environment variable SHAPE_RESTORE_SHX=YES in QGIS's settings and open the layer again); better, copy the whole set the layer came as.</source>
      <translation>{parameter}：Shapefile {path} 旁缺少索引文件 {missing}，没有它无法读取要素。GDAL 可由 .shp 重建索引：ogr2ogr --config SHAPE_RESTORE_SHX YES rebuilt.shp {path}（或在 QGIS 设置中把环境变量 SHAPE_RESTORE_SHX 设为 YES 后重新打开该图层）；最好从来源处复制完整的一套文件。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: the Shapefile {path} has no attribute table {missing} beside it: its fields (numbers, classes, dates) are in that file, and no tool can rebuild it. Copy the whole set the layer came as (.shp, .shx, .dbf, .prj, .cpg).</source>
      <translation>{parameter}：Shapefile {path} 旁缺少属性表文件 {missing}：其字段（编号、地类、日期等）都在该文件中，任何工具都无法重建。请从来源处复制完整的一套文件（.shp、.shx、.dbf、.prj、.cpg）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>These could not be removed: {outputs}</source>
      <translation>以下输出无法删除：{outputs}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>Cannot write a feature to the output {name}: {error}</source>
      <translation>无法向输出 {name} 写入要素：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>Output folder {folder} is a file, not a folder.</source>
      <translation>输出文件夹 {folder} 是一个文件，不是文件夹。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>The ledger {path} does not exist.</source>
      <translation>台帐 {path} 不存在。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>The cancel came after the run had saved its work: what it saved stays, as the log above says.</source>
      <translation>取消来得太晚：本次运行已保存其结果，所保存的内容保留，详见上方日志。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {path} is there, but it is a vector layer, not a raster.</source>
      <translation>{parameter}：{path} 存在，但它是矢量图层，不是栅格。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{parameter}: {path} is an image GDAL reads, but QGIS cannot open it from this folder: QGIS takes a path whose folder names hold .zip or .gz for an archive. Move the file to another folder, or rename the folder.</source>
      <translation>{parameter}：{path} 是 GDAL 可读的影像，但 QGIS 无法从此文件夹打开：路径中的文件夹名含 .zip 或 .gz 时，QGIS 会将其当作压缩包。请将文件移到其他文件夹，或重命名该文件夹。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>Output folder {folder} cannot be made: {error}</source>
      <translation>无法创建输出文件夹 {folder}：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>Cancelled: the run stopped before it finished; no output of it was kept, and a file it was to replace is as it was.</source>
      <translation>已取消：运行未完成即停止；本次输出均未保留，原将被替换的文件保持原样。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>These outputs of the stopped run could not be removed: {outputs}</source>
      <translation>已停止的运行有以下输出无法删除：{outputs}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/base.py" />
      <source>{file}, column {column}: Excel opens digits such as {example} as a number (shown as 3.7E+13, its last digits lost when saved). Import the CSV with that column as text, or save the output as .xlsx.</source>
      <translation>{file} 的 {column} 列：Excel 会把 {example} 这样的数字串当作数值打开（显示为 3.7E+13，保存后末几位丢失）。请在导入该 CSV 时将此列设为文本，或将输出保存为 .xlsx。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Campaigns</source>
      <translation>专项行动</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>approval</source>
      <translation>批准</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>filing</source>
      <translation>备案</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>activity</source>
      <translation>开采活动</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Violations of one {source} on the same land (overlapping polygons) are one spot for the ledger, listing every kind (WFDM, WFLX joined; WFSM and PDYY each kind with its note, an excess included): JCBH a number in the province's pattern (county code + year + 4-digit sequence from the first sequence number, a block per campaign so numbers never clash with a satellite batch), XZQDM, TBLX the campaign, TBMJ = WFMJ the area of its polygon, JYPD 疑似违法 with PDYY its reason and YXJ 1. The violations (OUTPUT_VIOLATIONS) are ready for {import_spots}, which takes the layer as a batch of its own and keeps every field.</source>
      <translation>同一{source}在同一块土地上（图形重叠）的违法情形合为一个可导入台帐的图斑，列出全部类型（WFDM、WFLX 合并；WFSM 和 PDYY 写明每类及其说明，含超出面积）：JCBH 按省里规则编号（县级代码 + 年度 + 自起始顺序号起的 4 位顺序号，各专项分段编号，不与卫片批次重号），XZQDM，TBLX 专项名称，TBMJ = WFMJ 为该图斑图形的面积，JYPD 疑似违法，PDYY 为理由，YXJ 为 1。违法图斑（OUTPUT_VIOLATIONS）可直接用“{import_spots}”导入：该图层作为单独批次导入，并保留全部字段。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>County code of the numbers (XZQDM, 6 digits)</source>
      <translation>编号所用县级代码（XZQDM，6 位）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Year of the numbers</source>
      <translation>编号年度</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>First sequence number</source>
      <translation>起始顺序号</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Violations (ledger-ready spots)</source>
      <translation>违法图斑（可导入台帐）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>{count} spots numbered from {start} would reach {block}, where another campaign's numbers begin (change spots from {change}, temporary land from {temporary}, facility land from {facility}, mining from {mining}): give a first sequence number with room for them all, below {change} for a large batch.</source>
      <translation>从 {start} 起编号的 {count} 个图斑将编到 {block}，那里是另一专项的编号起点（变化图斑自 {change}、临时用地自 {temporary}、设施农用地自 {facility}、矿产自 {mining} 起）：请给出能容纳全部图斑的起始顺序号，图斑较多时取 {change} 以下。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Check date (empty: today)</source>
      <translation>检查日期（留空：今天）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>The county code must be 6 digits, not {code!r}.</source>
      <translation>县级代码须为 6 位数字，而不是 {code!r}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>The year must have 4 digits, not {year}.</source>
      <translation>年度须为 4 位数字，而不是 {year}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>{count} findings numbered from {start} would need sequence numbers above {limit}: choose a lower first sequence number.</source>
      <translation>{count} 条结果自 {start} 起编号将超过顺序号上限 {limit}：请选择较小的起始顺序号。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>No feature of {layers} has a geometry: there is nothing to audit.</source>
      <translation>{layers} 中没有带几何的要素，无可核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Reading {layer}</source>
      <translation>正在读取 {layer}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>The check date {value!r} is not a date.</source>
      <translation>检查日期 {value!r} 不是有效日期。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>{parameter}: choose a field of {layer}.</source>
      <translation>{parameter}：请选择 {layer} 的字段。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>{layer} has no feature with a geometry: it adds nothing to the audit.</source>
      <translation>{layer} 没有带几何的要素，对本次核查不起作用</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Cannot create the output {name}.</source>
      <translation>无法创建输出 {name}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/campaign_base.py" />
      <source>Layer {layer} has no field {field}: it is not read.</source>
      <translation>图层 {layer} 没有字段 {field}：不读取该字段。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Copy a ledger (GeoPackage ⇄ shared PostGIS)</source>
      <translation>复制台帐（GeoPackage ⇄ 共享 PostGIS）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Verification</source>
      <translation>核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Copies every batch, spot, verdict, evidence record, case, patrol and setting of one ledger into a new ledger (TARGET), an empty one, in one transaction: a GeoPackage into the shared ledger (postgis:// and the name of a saved connection) or back. Evidence files are copied into the target's evidence folder and checked against their SHA-256. The two ledgers are then compared row by row and file by file; any difference is listed and makes the run fail. A run that fails leaves the target's folder as it was: a GeoPackage it created is removed, with the holidays.json and the evidence files it put beside it.</source>
      <translation>把一个台帐的全部批次、图斑、判定、举证记录、案件、巡查和设置在一个事务中复制到另一个空台帐：GeoPackage 复制到共享台帐（postgis:// 加已保存的连接名）或反向复制。举证文件复制到目标台帐的举证文件夹并按 SHA-256 校验。随后逐行、逐文件比对两个台帐；发现任何差异都会列出并使运行失败。运行失败时目标文件夹保持原样：本次运行新建的 GeoPackage 会被删除，连同它放在旁边的 holidays.json 和举证文件。新台帐（TARGET）须为空台帐：GeoPackage 路径或 postgis:// 加连接名。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Cancelled, nothing copied.</source>
      <translation>已取消，未复制任何内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Ledger to copy (GeoPackage path or postgis://&lt;connection&gt;)</source>
      <translation>要复制的台帐（GeoPackage 路径或 postgis://&lt;连接&gt;）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>New ledger (GeoPackage path or postgis://&lt;connection&gt;)</source>
      <translation>新台帐（GeoPackage 路径或 postgis://&lt;连接&gt;）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Differences found</source>
      <translation>发现的差异数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>The source and the target are the same ledger.</source>
      <translation>源台帐与目标台帐是同一个。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Cancelled while comparing: the copy into {target} was made whole but not compared with its source; check it before use, or copy again into a new ledger.</source>
      <translation>比对时已取消：已完整复制到 {target}，但尚未与源台帐比对；使用前请核对，或重新复制到新的台帐。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Copying</source>
      <translation>正在复制</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>Comparing every row and evidence hash</source>
      <translation>正在逐行比对记录和举证文件哈希</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/copy_ledger.py" />
      <source>{count} differences after copying: see the log.</source>
      <translation>复制后发现 {count} 处差异，详见日志。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Create demo district</source>
      <translation>创建示例区县</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo and tools</source>
      <translation>示例与工具</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Writes a synthetic district shaped like Zichuan into one GeoPackage (EPSG:4527): land-use parcels DLTB, permanent basic farmland YJJBNT, ecological red line STHX, no-mining zones JCQ, three-zones-two-lines lines, zones and view areas, approvals PZYD, towns with their offices, and a batch of satellite spots JCTB in which a few spots are broken on purpose (invalid geometry, a duplicate JCBH, one outside the district); mining licences CKQ, temporary land approvals LSYD, facility land filings SSNYD and what field checks found on them SDXZ, for the campaign audits. Also writes before/after images, a 0/1 change raster (change.tif) and a styled QGIS project. The same seed always gives the same GeoPackage and images, byte for byte (the project differs in its layer ids and save time only). SIZE: DEMO (the default) or one of the benchmark districts S, M, L and M-dense; the random seed makes it repeatable.</source>
      <translation>在一个 GeoPackage（EPSG:4527）中生成一个形似淄川区的模拟区县：地类图斑 DLTB、永久基本农田 YJJBNT、生态保护红线 STHX、禁采区 JCQ、三区两线的线、区及可视范围、批准用地 PZYD、镇街及其自然资源所，以及一批卫片图斑 JCTB，其中少数图斑故意有问题（几何无效、JCBH 重复、一个在区界之外）；另有供专项核查用的采矿权 CKQ、临时用地批准 LSYD、设施农用地备案 SSNYD 及其实地现状 SDXZ。同时生成前后时相影像、0/1 变化栅格（change.tif）和已配好样式的 QGIS 工程。同一随机种子生成的 GeoPackage 和影像逐字节相同（工程文件仅图层标识和保存时间不同）。规模（SIZE）：DEMO（默认）或性能测试用的 S、M、L、M-dense 区县；随机种子使结果可重复。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Output folder</source>
      <translation>输出文件夹</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Size (DEMO: a few hundred spots; S, M, L: benchmark districts)</source>
      <translation>规模（DEMO：数百个图斑；S、M、L：性能测试区县）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Write before/after images</source>
      <translation>生成前后时相影像</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo district GeoPackage</source>
      <translation>示例区县 GeoPackage</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo QGIS project</source>
      <translation>示例 QGIS 工程</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Cancelled: the demo district was not completed.</source>
      <translation>已取消：示例区县未生成完成。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Wrote {path}: {summary}</source>
      <translation>已写入 {path}：{summary}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Export verification results</source>
      <translation>导出核查成果</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Writes the verification results of a ledger (or of one batch) into a folder, ready to upload: verification.gpkg and verification.shp (with a .cpg naming the Shapefile encoding chosen (ENCODING), UTF-8 or GBK; Shapefile field names are at most 10 bytes), verification.xlsx (one row per spot with Chinese headers, areas in m² and mu to 2 decimals and a totals row), verification_sheets.pdf (one verification sheet per spot: the spot over the after image, the before image beside it, the screening figures, the current verdict and up to three photos, printed as upright copies at the sheet's resolution; a photo missing, altered or that QGIS cannot draw is not printed, and the sheet says how many) and evidence.zip (every evidence file under its spot number, with manifest.csv listing each file's SHA-256 and where the ledger stores it, and the same as manifest.xlsx for Excel). Each evidence file is checked against the hash the ledger recorded: missing or altered files are reported and marked in the manifest. An evidence folder that cannot be read at all (a shared folder not connected, a ledger moved without its evidence folder) stops the export, naming it, before anything is written. Every spot is exported, verified or not; the verdict columns of a spot not yet verified are empty. The sheets can be limited to the verified spots (a blank sheet of a spot not yet verified serves as a field form), and their making can be cancelled: the PDF is then not written; a cancelled or refused export leaves the folder as it was. A text the GBK encoding cannot hold stops the export with the spot and field named, and so does a spot number the Shapefile would not keep whole and distinct (longer than the 254 bytes a DBF text holds, or written alike with another's in GBK); other texts longer than that are cut in the Shapefile alone, with a warning. Verification sheets for: every spot, or the verified spots only.</source>
      <translation>将台帐（或其中一个批次）的核查成果写入一个文件夹，可直接上报：verification.gpkg 和 verification.shp（附 .cpg 文件注明所选的 Shapefile 编码（ENCODING）UTF-8 或 GBK；Shapefile 字段名不超过 10 字节）、verification.xlsx（每个图斑一行，中文表头，面积以平方米和亩计并保留 2 位小数，末行为合计）、verification_sheets.pdf（每个图斑一张核查表：后时相影像上的图斑、旁边的前时相影像、筛查数据、当前判定和至多三张照片，照片按核查表分辨率另存并按拍摄方向摆正后印出；缺失、已改动或 QGIS 无法显示的照片不印出，核查表注明件数）以及 evidence.zip（全部证据文件按图斑编号存放，manifest.csv 列出每个文件的 SHA-256 及其在台帐中的存储路径，另附内容相同、供 Excel 打开的 manifest.xlsx）。每个证据文件都与台帐记录的哈希值核对：缺失或被改动的文件会被报告并在清单中标注。证据文件夹整个无法读取（共享文件夹未连接，或台帐被移动而未带上证据文件夹）时，导出在写出任何文件之前停止，并指明该文件夹。所有图斑都会导出，无论是否已核查；未核查图斑的判定各列为空。核查表可只为已核查的图斑制作（未核查图斑的空白核查表可作外业调查表），制作过程中可以取消，取消后不写出 PDF；导出被取消或被拒绝时，输出文件夹保持原样。若某文本含 GBK 无法表示的字符，或某图斑编号在 Shapefile 中无法完整、唯一地写出（超过 DBF 文本可容纳的 254 字节，或在 GBK 中与另一编号写法相同），导出将停止并指明图斑和字段；其他超长文本仅在 Shapefile 中截断，并给出警告。Shapefile 编码：UTF-8 或 GBK。制作核查表的图斑：全部图斑，或仅已核查的图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The after image {image} covers only part of {count} spots: the main map of their sheets says so. Spots: {numbers}</source>
      <translation>后时相影像 {image} 仅覆盖 {count} 个图斑的一部分，其核查表主图已注明。图斑：{numbers}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The before image {image} covers only part of {count} spots: the inset of their sheets says so. Spots: {numbers}</source>
      <translation>前时相影像 {image} 仅覆盖 {count} 个图斑的一部分，其核查表前时相小图已注明。图斑：{numbers}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>No after image was given: the main map of every sheet says so, without imagery.</source>
      <translation>未提供后时相影像：各核查表主图无影像，并已注明。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>No before image was given: the inset of every sheet says so, without imagery.</source>
      <translation>未提供前时相影像：各核查表前时相小图无影像，并已注明。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The after image {image} does not cover {count} spots: the main map of their sheets shows no imagery and says so. Spots: {numbers}</source>
      <translation>后时相影像 {image} 未覆盖 {count} 个图斑，其核查表主图无影像，并已注明。图斑：{numbers}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The before image {image} does not cover {count} spots: the inset of their sheets shows no imagery and says so. Spots: {numbers}</source>
      <translation>前时相影像 {image} 未覆盖 {count} 个图斑，其核查表前时相小图无影像，并已注明。图斑：{numbers}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Batch (empty: every spot of the ledger)</source>
      <translation>批次（留空：台帐中全部图斑）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Shapefile encoding</source>
      <translation>Shapefile 编码</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>After image (main map of the sheets)</source>
      <translation>后时相影像（核查表主图）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Before image (inset of the sheets)</source>
      <translation>前时相影像（核查表副图）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Make the PDF verification sheets</source>
      <translation>生成 PDF 核查表</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Verification sheets for</source>
      <translation>制作核查表的图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Verification GeoPackage</source>
      <translation>核查成果 GeoPackage</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Verification Shapefile</source>
      <translation>核查成果 Shapefile</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Verification ledger (XLSX)</source>
      <translation>核查台帐（XLSX）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Verification sheets (PDF)</source>
      <translation>核查表（PDF）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Evidence zip</source>
      <translation>举证材料压缩包</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Spots exported</source>
      <translation>导出图斑数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Evidence files missing, altered or refused</source>
      <translation>缺失、被改动或路径被拒绝的证据文件数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The ledger has no batch {batch} (batches: {names}).</source>
      <translation>台帐中没有批次 {batch}（现有批次：{names}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The remark of spot {number} is too long for its verification sheet: cut there, ending with …; it is whole in {name}</source>
      <translation>图斑 {number} 的备注超出核查表的备注栏：表上截断，以“…”结尾；全文见 {name}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The suggested verdict's reason of spot {number} is too long for its verification sheet: cut there, ending with …; it is whole in {name}</source>
      <translation>图斑 {number} 的建议判定理由超出核查表的理由栏：表上截断，以“…”结尾；全文见 {name}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The controlled zones spot {number} hits are too many for its verification sheet: cut there, ending with …; each is in {name}</source>
      <translation>图斑 {number} 涉及的管控区域超出核查表的管控区域栏：表上截断，以“…”结尾；全部见 {name}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>{parameter}: the image {path} has no coordinate reference system, so where it lies is not known and the sheets would show whatever ground its coordinates fall on. Set its CRS (Layer Properties › Source, then save it with it), or leave the image out.</source>
      <translation>{parameter}：影像 {path} 没有坐标系，无法确定其位置，核查表会按其坐标数值随意套在某处地面上。请先设置其坐标系（图层属性 › 源，并连同坐标系另存），或不使用该影像。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The ledger {path} holds no spots.</source>
      <translation>台帐 {path} 中没有图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>{count} verification sheets (PDF pages) will be made, {unverified} of them for spots not yet verified.</source>
      <translation>将制作 {count} 张核查表（PDF 页），其中 {unverified} 张为尚未核查的图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The font {font} and those it falls back to have no {character} ({code}): the verification sheets print an empty box or nothing there, in {count} places (spot, field): {places}. The other files of the package hold the text whole.</source>
      <translation>字体 {font} 及其后备字体中都没有 {character}（{code}）：核查表上该处印为方框或空白，共 {count} 处（图斑 字段）：{places}。数据包中的其他文件保存了完整文字。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The layout template has no picture item {id}.</source>
      <translation>版式模板中没有图片项 {id}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The verification sheets could not be prepared: {error}</source>
      <translation>无法准备核查表：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Every spot exported</source>
      <translation>导出的全部图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Verified spots only</source>
      <translation>仅已核查的图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Reading the ledger</source>
      <translation>正在读取台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Zipping the evidence files</source>
      <translation>正在打包证据文件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Writing the GeoPackage and the Shapefile</source>
      <translation>正在写入 GeoPackage 和 Shapefile</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Writing the XLSX ledger</source>
      <translation>正在写入 XLSX 台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Cancelled: nothing was written, the output folder is as it was.</source>
      <translation>已取消：未写入任何文件，输出文件夹保持原样。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>{count} spots exported ({verified} verified), {files} evidence files, Shapefile in {encoding}.</source>
      <translation>已导出 {count} 个图斑（已核查 {verified} 个），证据文件 {files} 个，Shapefile 编码 {encoding}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>{folder} held an export of {earlier} ({spots} spots): replaced by this one of {now}. Export each batch into a folder of its own to keep both.</source>
      <translation>{folder} 中原有 {earlier} 的导出成果（{spots} 个图斑），已被本次 {now} 的导出替换。如需两者都保留，请将各批次导出到各自的文件夹。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>To make the verified spots' sheets only, set “{parameter}” to “{option}”.</source>
      <translation>如只需已核查图斑的核查表，请将“{parameter}”设为“{option}”。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The layout template {path} is missing.</source>
      <translation>缺少打印布局模板 {path}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The layout template {path} is damaged.</source>
      <translation>打印布局模板 {path} 已损坏。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The PDF {path} could not be written: {error}</source>
      <translation>无法写入 PDF {path}：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>No spot exported is verified yet: no verification sheets were made.</source>
      <translation>导出的图斑均未核查：未制作核查表。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>{name} of an earlier export was in {folder}: removed, as this export makes no verification sheets.</source>
      <translation>{folder} 中有此前导出的 {name}：已删除，因为本次导出不制作核查表。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The layout template has no map item {id}.</source>
      <translation>打印布局模板中没有地图项 {id}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Spot {number}: the photo {path} cannot be shown on its sheet (an empty file, another kind of file named as a photo, or a format such as HEIC that this QGIS cannot read); it is in the evidence zip, and the sheet says so.</source>
      <translation>图斑 {number}：照片 {path} 无法在核查表上显示（空文件、改了扩展名的其他文件，或本 QGIS 无法读取的格式如 HEIC）；该文件已打入证据压缩包，核查表上注明了此情况。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>The shared ledger was read with an office login, which sees only the spots of its own offices' towns (row-level security): this export holds the spots of {offices} only, not the district's.</source>
      <translation>共享台帐是用自然资源所登录读取的，它只能看到本所所辖乡镇的图斑（行级安全）：本次导出只含{offices}的图斑，不是全区的。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/export_verification.py" />
      <source>Making {count} verification sheets</source>
      <translation>正在生成 {count} 张核查表</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Import screened spots into the ledger</source>
      <translation>筛查结果导入台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Adds a screened batch of spots to the verification ledger (a GeoPackage, created if it does not exist, or the shared ledger as postgis:// and the name of a saved connection). The spot number field (SPOT_KEY_FIELD, default JCBH, the one screening was given) is recorded as the ledger's JCBH; a layer without it is refused before the ledger is touched.
Importing the same batch again refreshes the spots' geometry, delivered fields and screening figures, reporting each change by spot, but never touches verdicts or evidence; a field the file lacks keeps its recorded value. A new batch is added beside the others, unless another batch holds most of its spot numbers: it is then that batch delivered again, and refused before anything is written, naming that batch and its file (give BATCH its name to refresh it, or tick REPEAT_SPOTS to record the spots again as a batch of their own, a second round of checks on the same spots). A refresh none of whose spots the batch holds is another delivery given its name by mistake: refused before anything is written, naming the file and the batch (give BATCH the delivery's own name, or tick ADD_TO_BATCH for a further part of a batch delivered in parts). Without BATCH the batch is named after the layer, and a batch of that name another file delivered, or a layer with no file, is not refreshed: the import is refused naming both.
Refused too, each reported by number and not imported: a spot whose number the batch holds but for leading zeros (1 for 00001), spots with a duplicate or empty JCBH, and text that looks mis-decoded (GBK read as another encoding); and the whole layer when its coordinates do not fit its CRS, when it was screened twice (result fields TBMJ_2, …) or when its own fields carry result names (TBMJ, PZWH: rename them before screening). A Shapefile without .cpg has its encoding detected and reported. An import whose every spot is refused fails, naming the first refusals, and leaves the ledger as it was (a ledger file it made is removed).
With the towns with their offices (TOWNS: XZMC town, SMC office) each spot gets the town holding most of its area; with the pieces from screening (PIECES, the OUTPUT_PIECES of the same run) the dock can show and highlight what each spot hits. A refresh without the pieces keeps the recorded pieces of each spot whose outline did not move, and removes (and reports) those of a moved spot. A towns or pieces layer whose Chinese text looks mis-decoded (a GBK Shapefile without its .cpg) stops the import before anything is written, naming its file and field.</source>
      <translation>把一批筛查后的图斑加入核查台帐（GeoPackage，不存在时自动创建；或以 postgis:// 加已保存的连接名指定的共享台帐）。图斑编号字段（SPOT_KEY_FIELD，默认 JCBH，即筛查时所给的字段）记为台帐的 JCBH；图层没有该字段时，在改动台帐之前即拒绝导入。
再次导入同一批次会更新图斑的几何、下发字段和筛查数据，并按图斑报告每项变化，但绝不改动判定和举证材料；文件中缺少的字段保留台帐原值。新的批次与其他批次并存，但若其大部分图斑编号已在另一批次中，则视为该批次的重新交付，在写入任何内容之前拒绝导入，并指明该批次及其文件（在“批次名称”（BATCH）中填写该批次名称以刷新它，或勾选“另建新批次记录这些图斑”（REPEAT_SPOTS）把这些图斑作为单独的批次再登记一次，即对同一批图斑再作一轮复核）。再次导入时若交付的图斑均不在该批次中，则是误用该批次名称的另一次交付，在写入任何内容之前拒绝导入，并指明文件和批次（在“批次名称”（BATCH）中填写该交付自己的批次名称；如确是分批交付的批次的又一部分，勾选“即使这些图斑均不在所填批次中，也并入该批次”（ADD_TO_BATCH））。未填写批次名称（BATCH）时批次以图层名称命名；同名批次若由另一文件或无文件的图层交付，则不予刷新，拒绝导入并指明两者。
以下情况同样拒绝，按编号报告且不导入：编号与本批次已有编号仅差前导零的图斑（如以 1 交付已登记的 00001）、JCBH 重复或为空的图斑、疑似乱码（GBK 被按其他编码读取）的文字；坐标与其坐标系不符、筛查过两次（含 TBMJ_2 等结果字段）或自身字段与筛查结果字段同名（TBMJ、PZWH：请在筛查前改名）的图层整体拒绝。没有 .cpg 的 Shapefile 会自动识别其编码并予以说明。全部图斑均被拒绝的导入以失败结束，列出前几条拒绝原因，台帐保持原样（本次运行新建的台帐文件随之删除）。
提供镇街及所属自然资源所（TOWNS：XZMC 镇街、SMC 自然资源所）时，每个图斑归入其面积占比最大的镇街；提供筛查得到的压占部分（PIECES，同一次“图斑叠加筛查”的“图斑压占部分”输出 OUTPUT_PIECES）时，核查面板可列出并高亮显示每个图斑压占的内容。不提供压占部分的再次导入，保留边界未移动图斑的原有压占部分；边界已移动的图斑，其原有压占部分被删除并予以报告。镇街图层或压占部分图层中的中文文字看似乱码（GBK 编码的 Shapefile 缺少 .cpg）时，在写入任何内容之前即停止导入，并说明其文件与字段。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Spot number field (recorded as the ledger's JCBH)</source>
      <translation>图斑编号字段（在台帐中记为 JCBH）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Screened spots</source>
      <translation>筛查结果图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Batch name (default: the layer's name)</source>
      <translation>批次名称（默认为图层名）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Record the spots as a new batch even when another batch holds most of their numbers (a second round of checks on the same spots)</source>
      <translation>另建新批次记录这些图斑，即使其大部分编号已在另一批次中（对同一批图斑的复核）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Add the spots to the batch named even when none of them is in it (a further part of a batch delivered in parts)</source>
      <translation>即使这些图斑均不在所填批次中，也并入该批次（分批交付的批次的又一部分）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Towns with their offices (XZMC, SMC)</source>
      <translation>镇街及所属自然资源所（XZMC、SMC）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Pieces from screening (OUTPUT_PIECES), shown in the dock</source>
      <translation>筛查得到的压占部分（OUTPUT_PIECES），在核查面板中显示</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Spots added</source>
      <translation>新增图斑数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Spots refreshed</source>
      <translation>更新图斑数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Spots not imported</source>
      <translation>未导入图斑数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Import report</source>
      <translation>导入报告</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Cancelled, nothing imported.</source>
      <translation>已取消，未导入任何图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Writing {count} spots to {ledger}</source>
      <translation>正在将 {count} 个图斑写入 {ledger}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>The batch {batch} (the layer's name, BATCH not given) was delivered in {recorded}, and these spots come from {source}: imported, the two deliveries would merge into one batch. Nothing was imported. Give BATCH: {batch} to refresh that batch with this file, or a new name for a batch of its own.</source>
      <translation>批次 {batch}（未填写批次名称（BATCH），取图层名称）原由 {recorded} 交付，而本次图斑来自 {source}：若导入，两次交付将并入同一批次。未导入任何内容。请将批次名称（BATCH）填为 {batch} 以用本文件刷新该批次，或填写新名称另建批次。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Folder {folder} does not exist.</source>
      <translation>文件夹 {folder} 不存在。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>The spot layer {layer} cannot be opened.</source>
      <translation>无法打开图斑图层 {layer}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>{layer} is screening's pieces output (it has the fields {fields}), not its spots: give the screened spots as the spot layer, and this layer as the pieces. Nothing imported.</source>
      <translation>{layer} 是图斑叠加筛查输出的“图斑压占部分”（有字段 {fields}），不是筛查后的图斑：请把筛查后的图斑作为图斑图层，把该图层作为压占部分（PIECES）。未导入任何内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>{layer} holds no spot (no feature to import): nothing imported. Is it the delivery's spot layer, and, with selected features only, is any selected?</source>
      <translation>{layer} 中没有图斑（没有可导入的要素）：未导入任何图斑。它是交付的图斑图层吗？若只导入所选要素，是否选中了要素？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>Spot numbers are taken from the field {field}, recorded as {number}.</source>
      <translation>图斑编号取自字段 {field}，在台帐中记为 {number}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>{source}: none of its {count} spots was imported, every one was refused; the ledger is as it was. The first refusals (all are in the log):
{refusals}</source>
      <translation>{source}：{count} 个图斑全部被拒绝，未导入任何图斑，台帐保持原样。前几条拒绝原因（全部见日志）：
{refusals}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>The batch {batch} (the layer's name, BATCH not given) is already in the ledger, delivered in {recorded}, and the layer {layer} is no file (a temporary or database layer): whether it is the same delivery cannot be told, and imported, two deliveries would merge into one batch. Nothing was imported. Give BATCH: {batch} to refresh that batch with these spots, or a new name for a batch of its own.</source>
      <translation>批次 {batch}（未填写批次名称（BATCH），取图层名称）已在台帐中，来源为 {recorded}；图层 {layer} 不是文件（临时图层或数据库图层），无法判断是否为同一次交付，导入后两次交付将合并为一个批次。未导入任何图斑。请填写批次名称（BATCH）：填 {batch} 则用这些图斑刷新该批次，填新名称则另建批次。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>The pieces of {count} spots do not lie on their spots: {spots}. They are from another screening run and were not attached; give the pieces output of the run that screened these spots.</source>
      <translation>{count} 个图斑的压占片段不在图斑上：{spots}。这些片段来自另一次筛查，未予关联；请提供筛查这些图斑的同一次运行的片段输出。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>The towns layer {layer} has no field {field}.</source>
      <translation>镇街图层 {layer} 缺少字段 {field}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/import_spots.py" />
      <source>{count} spots lie in no town of the towns layer: {spots}. Their town and natural resources office are those the delivery gives, or on a refresh those the ledger holds.</source>
      <translation>{count} 个图斑不在乡镇图层的任何乡镇内：{spots}。其乡镇和自然资源所取交付文件中的值，重新导入时保留台帐原值。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>{count} features of {layer} cannot be brought from {source} to {crs} (coordinates outside what {source} can hold?), e.g. feature {fid}.</source>
      <translation>图层 {layer} 有 {count} 个要素无法从 {source} 转换到 {crs}（坐标超出 {source} 的范围？），例如要素 {fid}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>{count} features of {layer} do not fit its CRS {source}: feature {fid} lies at x={x:.4f}, y={y:.4f} (longitude and latitude under a projected CRS, or a missing or wrong zone prefix?). Set the layer's right CRS.</source>
      <translation>{layer} 中有 {count} 个要素与其坐标系 {source} 不符：要素 {fid} 位于 x={x:.4f}, y={y:.4f}（经纬度坐标却标为投影坐标系，或缺少、写错带号？）。请为图层设置正确的坐标系。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>{layer}: the text of field {field} looks mis-decoded (feature {fid}: {reason}). A Shapefile in GBK needs a .cpg file saying GBK (one naming another encoding is wrong), or set the layer's data source encoding to GBK in its properties, then run again.</source>
      <translation>{layer}：字段 {field} 的文字疑似编码错误（要素 {fid}：{reason}）。GBK 编码的 Shapefile 需要内容为 GBK 的 .cpg 文件（写着其他编码的 .cpg 是错的），或在图层属性中把数据源编码设为 GBK，然后重新运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>{input}: the input's invalid-geometry filtering is not applied: every feature is read, and an invalid geometry is repaired and noted rather than skipped or stopped at.</source>
      <translation>{input}：不采用该输入的无效几何过滤设置：读取全部要素，无效几何予以修复并注明，不跳过也不中止。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} has no coordinate reference system: set its CRS first.</source>
      <translation>图层 {layer} 没有坐标参考系：请先设置其坐标参考系。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} has no field {field} (fields: {available}).</source>
      <translation>图层 {layer} 缺少字段 {field}（现有字段：{available}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer}: {count} features have coordinates that are not numbers (NaN or infinite), e.g. feature {fid}: correct or delete them and run again.</source>
      <translation>图层 {layer}：有 {count} 个要素的坐标含非数值（NaN 或无穷大），例如要素 {fid}：请修正或删除后重新运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>{layer}: the text of field {field} looks like UTF-8 read as GBK (feature {fid}: {value} would read {text}). Set the layer's data source encoding to UTF-8 (or correct its .cpg file), then run again.</source>
      <translation>{layer}：字段 {field} 的文字疑似 UTF-8 被按 GBK 读出（要素 {fid}：{value} 应为 {text}）。请把图层的数据源编码设为 UTF-8（或改正其 .cpg 文件），然后重新运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} is in {crs}: PROJ knows no transformation from its datum ({datum}) to CGCS2000, only a guess that can be tens of metres off. Convert the layer to CGCS2000 with the bureau's transformation parameters first.</source>
      <translation>图层 {layer} 的坐标系为 {crs}：PROJ 没有从其基准（{datum}）到 CGCS2000 的已知转换，只能粗略估计，可能相差数十米。请先用本局的转换参数将该图层转换到 CGCS2000。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} is in {crs}, from which PROJ knows no way to {target} ({error}): set the layer's real CRS, or save it in CGCS2000.</source>
      <translation>图层 {layer} 的坐标系为 {crs}，PROJ 无法将其转换到 {target}（{error}）：请为图层设置其实际坐标系，或将其另存为 CGCS2000 坐标系。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Ledger settings: deadline rules, ranking weights, shared evidence folder</source>
      <translation>台帐设置：期限规则、排名权重与共享证据文件夹</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Cases and patrols</source>
      <translation>案件与巡查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Shows, changes or resets the bureau's own settings stored in a ledger. Deadline rules: JSON of rule → length, e.g. {"penalty_decision": {"amount": 60}} or {"statement_hearing_request": {"amount": 3, "unit": "working_days"}} (units: working_days, calendar_days, years; fields: amount, unit, roll_forward, basis). Ranking weights: JSON of component → weight, e.g. {"stop_rate": 40, "timeliness": 10} (components: stop_rate, rectification_rate, patrol_compliance, timeliness). What is given is merged into what is stored (the fields of a rule and the weights given replace their own, the others stay; null removes one, e.g. {"penalty_decision": null}); a field left empty keeps what is stored; the word default (默认) goes back to the plugin's defaults. Each value is checked before it is stored: a wrong rule name, unit or weight stops the run and nothing changes. The log lists every rule and weight in force. Offices renamed: JSON of old office name → current name, e.g. {"罗村自然资源所": "罗村自然资源和规划所"}, for an office whose name (SMC) changed: the cases and patrols recorded under the old name keep it, and every report, the patrol check and the list of offices count them under the current name (merged and reset as above). Shared evidence folder (shared ledger only, set by the brigade): the folder every QGIS machine reaches the evidence files in, e.g. \\server\zc_evidence or a network mount; it is stored on the server and used by everyone who opens the ledger. A GeoPackage ledger keeps its evidence beside its file. Holiday file to store (shared ledger only, set by the brigade): a holiday file in the format of the plugin's resources/holidays.json, e.g. the next year's schedule once the State Council has published it; its years are stored on the server, replacing the same years stored before, and every machine counts working days by them; a year given as null (e.g. {"2027": null}) removes the stored one. A GeoPackage ledger reads the holidays.json beside its file. The log lists the years with a schedule and where each comes from.</source>
      <translation>查看、修改或恢复台帐中本局自定的设置。期限规则：以 JSON 写明规则名与期限，如 {"penalty_decision": {"amount": 60}} 或 {"statement_hearing_request": {"amount": 3, "unit": "working_days"}}（单位：working_days 工作日、calendar_days 自然日、years 年；字段：amount、unit、roll_forward、basis）。排名权重：以 JSON 写明分项与权重，如 {"stop_rate": 40, "timeliness": 10}（分项：stop_rate 制止率、rectification_rate 整改率、patrol_compliance 巡查达标率、timeliness 按期办理率）。所填内容并入已存的设置（所填规则的字段和所填权重替换原有的同名项，其余不变；填 null 则删除该项，如 {"penalty_decision": null}）；留空则保持已存的设置；填写 default 或“默认”则恢复插件的默认值。每个值在保存前都会检查：规则名、单位或权重有误时运行停止，不作任何修改。日志列出当前生效的全部规则和权重。改名的自然资源所：以 JSON 写明旧所名与现所名，如 {"罗村自然资源所": "罗村自然资源和规划所"}，用于所名（SMC）已改的所：以旧名记录的案件和巡查保留旧名，各报表、巡查达标检查和所名列表均将其计入现所名（合并与恢复同上）。共享证据文件夹（仅共享台帐，由执法监察大队设置）：各台 QGIS 电脑访问证据文件所用的文件夹，如 \\server\zc_evidence 或网络挂载目录；保存在服务器上，所有打开该台帐的人都使用它。GeoPackage 台帐的证据保存在台帐文件旁。节假日文件（仅共享台帐，由执法监察大队设置）：与插件 resources/holidays.json 格式相同的节假日文件，例如国务院公布次年安排后的次年节假日；其中各年份存入服务器，替换此前存入的同一年份，各台电脑均按其计算工作日；某年份给为 null（如 {"2027": null}）即删除已存入的该年。GeoPackage 台帐读取其文件旁边的 holidays.json。日志列出有节假日安排的年份及各自来源。要存入的节假日文件（HOLIDAY_FILE）仅用于共享台帐。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Deadline rules in force:</source>
      <translation>当前生效的期限规则：</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Ranking weights in force:</source>
      <translation>当前生效的排名权重：</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Holiday schedules in force:</source>
      <translation>现行节假日安排：</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Evidence folder: not set</source>
      <translation>证据文件夹：未设置</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Evidence folder: {folder}</source>
      <translation>证据文件夹：{folder}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Deadline rules (JSON; empty: keep; default: reset)</source>
      <translation>期限规则（JSON；留空：保持；默认：恢复）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Ranking weights (JSON; empty: keep; default: reset)</source>
      <translation>排名权重（JSON；留空：保持；默认：恢复）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Offices renamed (JSON old name → current name; empty: keep; default: reset)</source>
      <translation>改名的自然资源所（JSON，旧所名 → 现所名；留空：保持；default：恢复默认）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Shared evidence folder (shared ledger; empty: keep)</source>
      <translation>共享证据文件夹（共享台帐；留空则不变）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Holiday file to store (shared ledger; empty: keep)</source>
      <translation>要存入的节假日文件（共享台帐；留空则不变）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Settings in force</source>
      <translation>当前生效的设置</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Offices renamed, counted under their current name:</source>
      <translation>改名的自然资源所（计入现所名）：</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Evidence folder: {folder} (made when the first evidence file is attached)</source>
      <translation>证据文件夹：{folder}（附加第一个证据文件时创建）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>No holiday schedule for {year} yet: its working-day deadlines will be estimates. Once the State Council publishes the {year} holiday notice, add the year to {where}.</source>
      <translation>尚无{year}年的节假日安排：该年的工作日期限将为估算。国务院办公厅发布{year}年部分节假日安排的通知后，请把该年加入 {where}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>A GeoPackage ledger keeps its evidence beside its file: the evidence folder is set only on a shared ledger.</source>
      <translation>GeoPackage 台帐的证据保存在台帐文件旁：证据文件夹只能在共享台帐上设置。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>The evidence folder {folder} cannot be reached from this machine.</source>
      <translation>本机无法访问证据文件夹 {folder}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>The evidence folder {folder} is missing, though the ledger records {count} evidence files in it: copy the folder beside the ledger.</source>
      <translation>举证材料文件夹 {folder} 不存在，但台帐记录了其中的 {count} 个举证文件：请把该文件夹复制到台帐旁边。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>A GeoPackage ledger reads the holiday file beside it: copy the file to {file}.</source>
      <translation>GeoPackage 台帐读取其旁边的节假日文件：请把该文件复制到 {file}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>Deadline rule {rule} is set by law ({basis}): this ledger gives it {length} instead of {law}. Deadlines are counted so; make sure that is meant.</source>
      <translation>期限规则 {rule} 由法律规定（{basis}）：本台帐将其设为 {length}，而非法定的 {law}。期限将按此计算，请确认确有此意。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/ledger_settings.py" />
      <source>{parameter} is not JSON: look at line {line}, column {column} ({error}).</source>
      <translation>{parameter} 不是有效的 JSON：请检查第 {line} 行第 {column} 列（引号、逗号和括号）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/measuring.py" />
      <source>Area method</source>
      <translation>面积计算方法</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/measuring.py" />
      <source>Ellipsoidal (CGCS2000, official)</source>
      <translation>椭球面积（CGCS2000，法定）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/measuring.py" />
      <source>Planar (Gauss-Krüger)</source>
      <translation>平面面积（高斯-克吕格投影）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/measuring.py" />
      <source>Layer {layer} has no coordinate reference system: set it first.</source>
      <translation>图层 {layer} 没有坐标参考系：请先设置。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/measuring.py" />
      <source>{layer}: {error}</source>
      <translation>{layer}：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/measuring.py" />
      <source>its coordinate reference system ({crs}) has no EPSG code to measure areas in; save the layer in CGCS2000 (EPSG:4527, EPSG:4490, …)</source>
      <translation>其坐标系（{crs}）没有可用于量算面积的 EPSG 代码；请将图层另存为 CGCS2000 坐标系（EPSG:4527、EPSG:4490 等）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/overwrite_check.py" />
      <source>Output {output} would replace {path}, which layer {layer} has open with unsaved edits. Save or discard them first (Layer › Toggle Editing), or choose another file for {output}.</source>
      <translation>输出 {output} 将替换 {path}，而图层 {layer} 正打开该文件并有未保存的编辑。请先保存或放弃这些编辑（图层 › 切换编辑状态），或为 {output} 另选文件。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/overwrite_check.py" />
      <source>Output {output} would write over {path}, which {input} reads: the run would destroy its own input. Choose another file for {output}.</source>
      <translation>输出 {output} 将覆盖 {path}，而 {input} 正是从该处读取：运行会毁掉自己的输入。请为 {output} 另选文件。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/overwrite_check.py" />
      <source>Outputs {first} and {second} are both set to {path}: one would write over the other. Give each its own file.</source>
      <translation>输出 {first} 和 {second} 都设为 {path}：一个会覆盖另一个。请各用各的文件。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/partial_outputs.py" />
      <source>the file is missing or cannot be opened</source>
      <translation>文件不存在或无法打开</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/partial_outputs.py" />
      <source>its last features could not be written</source>
      <translation>最后的要素未能写入</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/partial_outputs.py" />
      <source>it holds no layer {layer}</source>
      <translation>文件中没有图层 {layer}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/partial_outputs.py" />
      <source>it holds {held} of the {written} features written</source>
      <translation>写入 {written} 个要素，文件中只有 {held} 个</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Record a patrol</source>
      <translation>登记巡查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Adds one day's patrol of an office to the ledger's patrol records (巡查台帐): date, staff, the route, what was found and the spots it concerns. The route is a line layer (ROUTE, for instance drawn in a scratch layer) or a GPX track (GPX) from a phone or GPS unit; it is stored in CGCS2000 / 3-degree Gauss-Krüger zone 39. Patrol records are append-only, and the rule 'patrol on at least {days} days a week' is checked by Patrol compliance. Refused, nothing recorded: an office or spot number the ledger does not know (spot numbers concerned may also be separated by 、), a date after today, a GPX track recorded on other days than the patrol's (Beijing time), and the same patrol on the same route recorded twice.</source>
      <translation>把某自然资源所一天的巡查登记入巡查台帐：日期、人员、路线、发现情况和涉及的图斑。路线可以是线图层（例如在临时图层中绘制），也可以是手机或 GPS 设备记录的 GPX 轨迹，统一存为 CGCS2000 / 3 度带高斯-克吕格第 39 带坐标。巡查记录只增不改；“每周巡查不少于 {days} 天”的要求由“各所每周巡查达标情况”检查。巡查路线（ROUTE）为线图层，也可以用 GPX 轨迹（GPX）。以下情况拒绝登记、不记录任何内容：台帐中没有的所或图斑编号（涉及的图斑编号也可用 、 分隔）、晚于今天的日期、记录日期与巡查日期不同的 GPX 轨迹（按北京时间）、同一路线的同一次巡查重复登记。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Withdraw a patrol</source>
      <translation>撤销巡查记录</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Withdraws a patrol recorded by mistake (another day's or another office's, one never made, the same patrol twice under two numbers), with the reason. The patrol stays in the ledger as recorded, with the withdrawal beside it (records are append-only); from then on Patrol compliance, the monthly ranking and the assessment no longer count it, and no case is opened from it. Record the corrected patrol anew with Record a patrol. Refused, nothing withdrawn: no reason given, a patrol number the ledger does not hold (on the shared ledger: or one of another office), a patrol withdrawn already, and a patrol a case was opened from (the case rests on it).</source>
      <translation>撤销误登记的巡查记录（记成了别的日期或别的所、并未进行的巡查、同一次巡查以两个编号登记两次），须写明原因。该巡查记录仍按原样保留在台帐中，撤销记录另存其旁（记录只增不改）；此后“各所每周巡查达标情况”、“各所月度通报排名”和“各所半年、年度考核”均不再计入，也不能据以立案。更正后的巡查请用“登记巡查”重新登记。以下情形拒绝撤销，不作任何改动：未写原因；台帐中没有该巡查编号（共享台帐中：或属其他所）；该巡查已撤销；已据该巡查立案（案件以其为依据）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Patrol compliance by office and week</source>
      <translation>各所每周巡查达标情况</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Checks the work plan's rule that each office patrols on at least {days} days a week (patrol days required per week, a parameter) between two dates, by ISO week (Monday to Sunday), counting distinct patrol days. Output: one row per office and week that falls short (SMC office, ZC ISO week 'YYYY-Www', ZKS first day, XCTS days patrolled, YQTS days required, QK days missing, BF 1 when the week is cut by the dates checked, which is shown but not counted as a shortfall, JJRTS its weekdays off by the official holiday schedule, empty where there is none).</source>
      <translation>检查工作方案“每个所每周巡查不少于 {days} 天”的要求（天数可设置）：在两个日期之间按 ISO 周（周一至周日）统计不同的巡查日。输出每个未达标的所和周一行（SMC 所名，ZC ISO 周“YYYY-Www”，ZKS 周一日期，XCTS 巡查天数，YQTS 应巡查天数，QK 缺少天数，BF 为 1 表示该周被检查日期截断，仅作提示，不计为未达标，JJRTS 该周按官方节假日安排放假的工作日天数，无安排时为空）。每周应巡查天数（MIN_DAYS）可按本局规定设置。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Office (SMC)</source>
      <translation>自然资源所（SMC）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Patrol date</source>
      <translation>巡查日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Staff, separated by ;</source>
      <translation>巡查人员，以 ; 分隔</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Route (line layer)</source>
      <translation>巡查路线（线图层）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Route (GPX track)</source>
      <translation>巡查路线（GPX 轨迹）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>What was found</source>
      <translation>发现情况</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Spot numbers concerned, separated by ;</source>
      <translation>涉及的图斑编号，以 ; 分隔</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Patrol number</source>
      <translation>巡查编号</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Give the patrol's date (DATE): nothing was recorded.</source>
      <translation>请填写巡查日期（DATE），未登记。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Give the patrol's staff: nothing was recorded.</source>
      <translation>请填写巡查人员，未登记。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Reason for withdrawing</source>
      <translation>撤销原因</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Give the number of the patrol to withdraw: nothing was withdrawn.</source>
      <translation>请填写要撤销的巡查编号，未撤销任何记录。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Say why the patrol is withdrawn: nothing was withdrawn.</source>
      <translation>请写明撤销原因，未撤销任何记录。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>From</source>
      <translation>起始日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>To</source>
      <translation>截止日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Patrol days required per week</source>
      <translation>每周应巡查天数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Weeks short of patrols</source>
      <translation>巡查天数不足的周</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The end date is before the start date.</source>
      <translation>截止日期早于起始日期。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Recorded patrol {id}</source>
      <translation>已登记巡查 {id}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Withdrew patrol {id}</source>
      <translation>已撤销巡查记录 {id}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Office {office} was renamed {current} (the ledger's office aliases): record the patrol under {current}. On the shared ledger a login still set up as {office} needs the administrator to set it up with the new name first. Nothing was recorded.</source>
      <translation>自然资源所 {office} 已更名为 {current}（台帐的所名别名）：请以 {current} 记录巡查。在共享台帐上，仍以 {office} 设置的登录须先由管理员按新所名重新设置。未记录任何内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Office {office} is not in the ledger; its offices are: {offices}.</source>
      <translation>台帐中没有 {office}；台帐中的自然资源所为：{offices}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Spot numbers not in the ledger: {numbers}.</source>
      <translation>台帐中没有这些图斑编号：{numbers}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Office {office} is not one of this login's offices: on the shared ledger the login {login} sees only {own} (row-level security). A patrol of another office is recorded with that office's login or the brigade's. Nothing was recorded.</source>
      <translation>{office}不是本登录所辖的所：在共享台帐上，登录 {login} 只能看到{own}（行级安全）。其他所的巡查请用该所的登录或执法监察大队的登录记录。未记录任何内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Spots {numbers} are not among this login's spots: on the shared ledger the login {login} sees only the spots of the towns of {own} (row-level security); a spot of another office's towns is hidden from it. A patrol of another office's spots is recorded with that office's login or the brigade's. Nothing was recorded.</source>
      <translation>图斑 {numbers} 不在本登录可见的图斑中：在共享台帐上，登录 {login} 只能看到{own}所辖乡镇的图斑（行级安全），其他所乡镇的图斑对它不可见。巡查其他所的图斑请用该所的登录或执法监察大队的登录记录。未记录任何内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>{count} office-weeks short of patrols</source>
      <translation>共有 {count} 个所·周巡查天数不足</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>{id} is like {alike} of the same day (staff, findings and spots; no route to tell them apart): it adds no patrol day. If it is the same patrol, withdraw one with Withdraw a patrol.</source>
      <translation>{id} 与同日的 {alike} 相同（人员、发现情况和图斑相同，且无路线可区分）：不增加巡查天数。如系同一次巡查重复登记，请用“撤销巡查记录”撤销其一。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The route {layer} is a {kind} layer: a route is lines, or a GPX track.</source>
      <translation>路线 {layer} 是 {kind} 图层：路线应为线图层或 GPX 轨迹。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The route layer {layer} holds no line.</source>
      <translation>路线图层 {layer} 中没有线要素。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>{count} features of the route {layer} have no geometry and were skipped: {features}.</source>
      <translation>巡查路线 {layer} 中 {count} 个要素无几何，已跳过：{features}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>It was {office}'s patrol of {date} by {staff}.</source>
      <translation>该记录为{office} {date} 的巡查，人员：{staff}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>This patrol is already recorded, as {id}.</source>
      <translation>该巡查已登记，编号 {id}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The dates checked ({start} to {end}) are after today, {today}.</source>
      <translation>检查的日期（{start} 至 {end}）晚于今天 {today}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The end date {end} is after today: weeks are checked up to {today}.</source>
      <translation>截止日期 {end} 晚于今天：只检查到 {today}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Feature fid {fid} of the route {layer} is a {kind}: a route is lines, or a GPX track.</source>
      <translation>路线 {layer} 的要素 fid {fid} 是 {kind}：路线应为线图层或 GPX 轨迹。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>Feature fid {fid} of the route {layer} is not a valid line ({reason}): correct it or leave it out.</source>
      <translation>路线 {layer} 的要素 fid {fid} 不是有效的线（{reason}）：请修正或将其去掉。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The GPX track {file} has no times: that it was walked on {date} cannot be checked.</source>
      <translation>GPX 轨迹 {file} 没有时间：无法核对它是否为 {date} 的巡查。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The GPX track {file} was recorded on {days} (Beijing time; a GPX file's times are UTC), not on the patrol date {date}: choose that day's track.</source>
      <translation>GPX 轨迹 {file} 记录于 {days}（北京时间；GPX 文件中的时间为 UTC），不是巡查日期 {date}：请选择当天的轨迹。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/patrols.py" />
      <source>The GPX track {file} runs over {days} (Beijing time): one track is one patrol, recorded for the day it began, {first}. Nothing was recorded.</source>
      <translation>GPX 轨迹 {file} 跨越 {days}（北京时间）：一条轨迹是一次巡查，记在开始的那一天 {first}。未记录任何内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Change raster to spots</source>
      <translation>变化栅格转图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Turns a change raster (a 0/1 mask or a class raster, in a projected CRS such as EPSG:4527) into a batch of spots. Cells whose value is in the change values (default: any nonzero value; nodata and NaN are never change) that touch each other form one spot, whatever window of the raster they were read in: the raster is read window by window, so rasters larger than memory work. Spots smaller than the minimum mapping unit are dropped; with a simplification tolerance the pixel staircase is smoothed where the boundary moves no more than the tolerance and stays valid. Spots are numbered north to south, then west to east. Fields: JCBH spot number (county code + year + 4-digit sequence from the first sequence number, the province's pattern; 5001 by default, a block of its own, so change spots never share a number, nor an evidence folder, with a satellite batch numbered from 0001), XZQDM county code, TBLX spot type, JCMJ area in m² (ellipsoidal by default; planar areas need a CGCS2000 Gauss-Krüger raster, and a raster on Beijing 1954 or Xian 1980 is refused: convert it with the bureau's parameters first; so is a raster whose cells lie where its CRS puts nothing in China, a wrong or missing zone prefix, naming the file and the CRS). The output is a spot batch like a delivered one: screen it with Screen spots, then import it into the ledger as a batch of its own. Cells joined across: edges (4 neighbours) or edges and corners (8; cells meeting only at a corner are parts of one valid multipolygon). The reading window (pixels a side) bounds the memory a window takes. A raster that would give more spots than the numbers left in the block is refused, naming the count: give a first sequence number with room for them all.</source>
      <translation>将变化栅格（0/1 掩膜或分类栅格，须为投影坐标系，如 EPSG:4527）转为一批图斑。取值属于变化值（默认：任何非零值；无数据与 NaN 像元不计为变化）且相互连通的像元构成一个图斑，无论它们在哪个读取窗口中：栅格逐窗口读取，因此可处理大于内存的栅格。小于最小上图面积的图斑被舍去；给出简化容差时，在边界移动不超过容差且仍然有效的前提下平滑像元锯齿。图斑按由北向南、由西向东编号。字段：JCBH 图斑编号（县级代码 + 年度 + 自起始顺序号起的 4 位顺序号，即省里的编号规则；默认从 5001 起，单独成段，变化图斑因此不会与从 0001 起编号的卫片批次共用编号或举证材料文件夹），XZQDM 县级代码，TBLX 图斑类型，JCMJ 面积（m²，默认椭球面积；平面面积须为 CGCS2000 高斯-克吕格投影的栅格，北京 1954 或西安 1980 坐标系的栅格不予处理，须先用本局参数转换；像元位于其坐标系在中国境内没有的位置（带号错误或缺失）的栅格同样不予处理，并说明文件与坐标系）。输出与下发的图斑批次相同：先用“图斑叠加筛查”筛查，再作为单独批次导入台帐。像元连通方式：共边（4 邻域）或共边及共角（8 邻域；仅以角相接的像元构成同一个有效的多部件面）。读取窗口（每边像元数）限定每次读入所占的内存。所得图斑多于本编号段剩余编号时拒绝运行并说明数量：请给出留有足够编号的起始序号。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Change values, ';'-separated (empty: any nonzero value)</source>
      <translation>变化值，以“;”分隔（留空：任何非零值）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Minimum mapping unit (m²)</source>
      <translation>最小上图面积（m²）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Simplification tolerance (m, 0 = none)</source>
      <translation>简化容差（m，0 = 不简化）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Cells joined across</source>
      <translation>像元连通方式</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Reading window (pixels a side)</source>
      <translation>读取窗口（每边像元数）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Spot type (TBLX)</source>
      <translation>图斑类型（TBLX）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Change spots</source>
      <translation>变化图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Change raster</source>
      <translation>变化栅格</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Band</source>
      <translation>波段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Edges (4 neighbours)</source>
      <translation>共边（4 邻域）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Edges and corners (8 neighbours)</source>
      <translation>共边或共角（8 邻域）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>The change raster cannot be opened.</source>
      <translation>无法打开变化栅格。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Reading {layer} window by window</source>
      <translation>正在逐窗口读取 {layer}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>{count} change spots.</source>
      <translation>{count} 个变化图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Raster {layer}: the GDAL open option {option} in its source is not KEY=VALUE; correct the layer's source.</source>
      <translation>栅格 {layer}：数据源中的 GDAL 打开选项 {option} 不是“选项名=值”的形式，无法确定是否生效；请改正该图层的数据源。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Raster {layer} has no coordinate reference system: set it first.</source>
      <translation>栅格 {layer} 没有坐标参考系：请先设置。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>Raster {layer}: its CRS {crs} is geographic, so cell areas cannot be measured; warp it to a projected CRS (e.g. EPSG:4527) first.</source>
      <translation>栅格 {layer}：其坐标参考系 {crs} 为地理坐标系，无法量算像元面积；请先重投影到投影坐标系（如 EPSG:4527）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/polygonize_change.py" />
      <source>{parameter}: “{value}” is not a number.</source>
      <translation>{parameter}：“{value}”不是数字。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/provider_keeper.py" />
      <source>The ZC Enforcement algorithms of the previous load are still running: the reloaded plugin's algorithms are registered once they end.</source>
      <translation>上次加载的淄川卫片执法算法仍在运行：重新加载的插件的算法待其结束后注册。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/provider_keeper.py" />
      <source>The reloaded ZC Enforcement algorithms are registered.</source>
      <translation>重新加载的淄川卫片执法算法已注册。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/provider_keeper.py" />
      <source>{count} ZC Enforcement algorithm(s) still running: their Processing provider stays until they end, then the reloaded plugin's replaces it.</source>
      <translation>仍有 {count} 个淄川卫片执法算法在运行：其处理工具提供者保留到运行结束，之后由重新加载的插件接替。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Reports</source>
      <translation>报表</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Monthly ranking of offices</source>
      <translation>各所月度通报排名</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The monthly report (每月通报) ranking the natural-resources offices, due before the 5th of the next month. Per office: new illegal spots (current verdict illegal, first judged illegal in the month) with their area, cultivated land and permanent basic farmland in m² and mu; stop-order rate (illegal acts stopped ÷ illegal acts, patrol findings included; an act is stopped when, by the month's end or the report date if that comes first, its case had a stop event or its verdict said a stop order was issued); rectification rate (cases opened in the month closed right after verification or stop by then ÷ cases opened); patrol compliance (ISO weeks with at least {days} patrol days ÷ weeks); open and overdue cases as they stood at the month's end, or at the report date if that comes first (a case opened later does not count; a spot judged illegal with no case opened counts as a case discovered on its verdict date); and a score from 0 to 100, the weighted mean of the rates that apply (weights from the ledger setting report_weights or the defaults, printed in the notes). Spots and cases without an office are listed under （未填写所） and counted in the district's figures, with no patrol weeks, score or rank. Writes an XLSX workbook and a PDF with a bar chart of the scores. A month in a year without an official holiday schedule is warned. On the shared ledger an office login is refused, naming the login and its offices: run it with a brigade login.</source>
      <translation>各自然资源所每月通报排名（每月通报），于次月5日前报送。按所统计：新增违法图斑（当前判定为违法、且首次判定违法在本月）及其面积、占用耕地和永久基本农田面积（平方米和亩）；制止率（已制止的违法行为 ÷ 违法行为，含巡查发现；截至月末（报告日期更早时按报告日期），案件有制止记录，或判定注明已下达责令停止违法行为通知书的，即为已制止）；整改率（本月开启、截至月末在核查或制止后直接结案的案件 ÷ 本月开启的案件）；巡查达标率（巡查不少于{days}天的ISO周数 ÷ 周数）；按月末（报告日期更早时按报告日期）计的未结案件和逾期案件（此后开启的案件不计；判定为违法而未开启案件的图斑，按判定违法之日发现的案件计入）；以及0—100分的得分，即适用各率的加权平均（权重取“台帐设置”中的“排名权重”（report_weights），未设置时取默认值，均列于说明页）。未填写所的图斑和案件列于“（未填写所）”，计入全区合计，不计巡查周数、不计分、不排名。输出 XLSX 工作簿和含得分柱状图的 PDF。所在年份没有官方节假日安排时给出提示。在共享台帐上，所级账号运行会被拒绝，并指明账号及其所：请用大队账号运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Weekly dispatch summary</source>
      <translation>每周调度汇总</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The summary for the weekly dispatch meeting (每周调度) of one ISO week, Monday to Sunday: per office the spots verified for the first time and the new illegal spots of the week, and the cases by their current stage; then every open case deadline falling due from the report date to {working_days} working days after it on the ledger's holiday schedule, counted as the verification panel counts its due-soon warning (an estimated one, in a year without a schedule, up to 7 days further: its real day may be sooner), and every one already overdue. A spot judged illegal with no case opened is listed with the deadlines of a case discovered on its verdict date, its case marked 未立案 (no case opened). Writes an XLSX workbook and a PDF. On the shared ledger an office login gets its own offices alone, as the title, notes and total row say.</source>
      <translation>每周调度会汇总，统计一个ISO周（周一至周日）：按所列出本周首次核查的图斑数、新增违法图斑数，以及各当前阶段的案件数；再列出自报告日期起按台帐节假日安排{working_days}个工作日内到期的全部未完成案件期限（与核查面板“即将到期”提示同样按工作日计算；没有节假日安排的年份中估算的期限再多列出7天内的：实际到期日可能更早），以及已逾期的期限。判定为违法而未开启案件的图斑，按判定违法之日发现的案件列出其期限，案件栏标“未立案”。输出 XLSX 工作簿和 PDF。在共享台帐上，所级账号只得到本所的数据，标题、说明和合计行中注明。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Half-year or year assessment of offices</source>
      <translation>各所半年、年度考核</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The half-year or year assessment (半年、年度考核; the Assessment kind (KIND) chooses which, the Year assessed (YEAR) its year, and for a half-year Which half (HALF) the half) of the offices: the monthly ranking figures summed over the months of the period (rates recomputed from the summed counts, not averaged), scored with the same weights and ranked; a second sheet lists each office's monthly scores. Writes an XLSX workbook and a PDF. On the shared ledger an office login is refused, naming the login and its offices: run it with a brigade login.</source>
      <translation>各自然资源所半年、年度考核（由“考核类型”（KIND）选择半年或年度考核，“考核年度”（YEAR）为所考核的年度，半年考核再由“上/下半年”（HALF）选择上半年或下半年）：把时段内各月的通报数字按所汇总（各率按汇总后的分子分母重新计算，而非取平均），用同样的权重计分并排名；第二张表列出各所每月得分。输出 XLSX 工作簿和 PDF。在共享台帐上，所级账号运行会被拒绝，并指明账号及其所：请用大队账号运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Half-year</source>
      <translation>半年考核</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Year</source>
      <translation>年度考核</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>First half (January-June)</source>
      <translation>上半年（1—6月）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Second half (July-December)</source>
      <translation>下半年（7—12月）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Accountability ratio</source>
      <translation>违法占用耕地问责比例</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The accountability ratio (问责比例) per town and for the district: cultivated land (GDMJ) of the spots judged illegal ÷ cultivated land of the spots on new construction land, those judged legal or illegal (a spot judged other: facility agricultural land, temporary land, rural road or no real change, never counts, whatever its TBLX says), over the spots whose current verdict was first given in the period (PERIOD: a year, a half-year, a month or an ISO week). A ratio of {ratio} % or more is flagged: it triggers the accountability of local leaders. Writes an XLSX workbook and a PDF with a chart of the ratios and the {ratio} % line. On the shared ledger an office login is refused, naming the login and its offices: run it with a brigade login.</source>
      <translation>按乡镇和全区计算问责比例：判定为违法的图斑的耕地面积（GDMJ）÷ 新增建设用地图斑的耕地面积（判定为合法或违法的图斑；判定为其他的，即设施农用地、临时用地、农村道路、实地未变化或伪变化，无论 TBLX 为何均不计入），统计当前判定类别首次作出于时段（PERIOD：年、半年、月或 ISO 周）内的图斑。比例达到 {ratio}%的予以标示：将启动对地方领导的问责。输出 XLSX 工作簿和含比例柱状图及 {ratio}% 问责线的 PDF。在共享台帐上，所级账号运行会被拒绝，并指明账号及其所：请用大队账号运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>{text} is not a month (YYYY-MM).</source>
      <translation>{text} 不是月份（应为 YYYY-MM）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Report date (YYYY-MM-DD, empty: today)</source>
      <translation>报告日期（YYYY-MM-DD，留空为今天）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Report workbook (XLSX)</source>
      <translation>报表工作簿（XLSX）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Report with chart (PDF)</source>
      <translation>含图表的报表（PDF）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Number of warnings</source>
      <translation>提示条数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Drawing the PDF</source>
      <translation>正在绘制 PDF</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Month (YYYY-MM)</source>
      <translation>月份（YYYY-MM）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Week (any date in it, YYYY-MM-DD, or YYYY-Www)</source>
      <translation>周（该周任一日期 YYYY-MM-DD，或 YYYY-Www）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Assessment kind</source>
      <translation>考核类型</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Year assessed</source>
      <translation>考核年度</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Which half (half-year assessment)</source>
      <translation>上/下半年（半年考核）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Period (YYYY, YYYY-H1, YYYY-MM or YYYY-Www)</source>
      <translation>时段（YYYY、YYYY-H1、YYYY-MM 或 YYYY-Www）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>Wrote {xlsx} and {pdf} ({pages} pages).</source>
      <translation>已写出 {xlsx} 和 {pdf}（共 {pages} 页）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>{text} is not a week.</source>
      <translation>{text} 不是一周。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The report date {date} is after today ({today}): give today or an earlier date, or leave it empty for today.</source>
      <translation>报告日期 {date} 晚于今天（{today}）：请填写今天或更早的日期，或留空表示今天。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The report date {date} is before the period {period} begins ({start}): give a date within or after it, or leave it empty for today.</source>
      <translation>报告日期 {date} 早于时段 {period} 的开始（{start}）：请填写时段内或之后的日期，或留空取今天。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The shared ledger was read with an office login, which sees only the rows of its own offices (row-level security): this report holds {offices} only, not the district, and its total is theirs.</source>
      <translation>共享台帐是用自然资源所登录读取的，它只能看到本所的记录（行级安全）：本报表只含{offices}，不是全区，合计也只是这些所的合计。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>The report date {date} is not a date (YYYY-MM-DD).</source>
      <translation>报告日期 {date} 不是有效日期（应为 YYYY-MM-DD）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>{report} compares every office of the district, but the login {login} sees only the rows of its own offices ({offices}) on the shared ledger (row-level security): read with it, the report would rank or total them alone as though they were the district. Run it with a brigade login. No report was written.</source>
      <translation>{report}要比较全区各所，而登录 {login} 在共享台帐上只能看到本所（{offices}）的记录（行级安全）：用它生成的报表会把这些所当作全区来排名或合计。请用执法监察大队的登录运行。未生成报表。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/reports.py" />
      <source>{pdf} cannot be written: the PDF could not be drawn in {folder} (a full disk, or a folder that cannot be written?). No report was written; an earlier one there is as it was.</source>
      <translation>{pdf} 无法写入：未能在 {folder} 中生成 PDF（磁盘已满，或文件夹不可写？）。报表未写出；该文件夹中原有的报表保持不变。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: {count} spots lie outside {crs}, where they are measured: spot {spot} is at x={x:.1f}, y={y:.1f}. The coordinates do not fit the layer's CRS {declared} (a missing or wrong zone prefix?): set the right CRS.</source>
      <translation>{layer}：有 {count} 个图斑不在量算坐标系 {crs} 的投影带范围内，例如图斑 {spot}（东坐标 {x:.1f}，北坐标 {y:.1f}）。坐标与图层坐标系 {declared} 不符（东坐标缺少带号或带号有误？），请为图层设置正确的坐标系后重试。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: {count} spots lie outside China once taken from the layer's CRS {declared}: spot {spot} is at longitude {x:.4f}°, latitude {y:.4f}°. Check the CRS and the spot's coordinates.</source>
      <translation>{layer}：按图层坐标系 {declared} 换算后，有 {count} 个图斑不在中国境内：图斑 {spot} 位于经度 {x:.4f}°、纬度 {y:.4f}°。请检查图层坐标系和该图斑的坐标。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{approval} (fid {fid}: granted {granted}, ends {ends})</source>
      <translation>{approval}（fid {fid}：批准于 {granted}，截止于 {ends}）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: {count} approvals end ({end}) before they were granted ({granted}): {approvals}. Their dates cannot both be right: each is counted whatever its term, and the spots it covers are sent to a field check. Correct the dates and run again.</source>
      <translation>{layer}：{count} 个批准用地的截止日期（{end}）早于批准日期（{granted}）：{approvals}。两个日期不可能都对：这些批准用地不论期限一律计入批准覆盖，其覆盖的图斑转实地核查。请改正日期后重新运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: the spot number field {field} is numeric ({type}): leading zeros the numbers had (0001) are lost, and the output and the ledger carry the numbers without them. Deliver spot numbers as a text field.</source>
      <translation>{layer}：图斑编号字段 {field} 是数字字段（{type}），编号原有的前导零（如 0001）已丢失，输出和台帐将按无前导零的编号记载。请以文本字段交付图斑编号。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: field {field} holds codes without their leading zero (stored as numbers?); they are read with four digits ({value} as {code}).</source>
      <translation>{layer}：字段 {field} 的地类编码缺少前导零（是否以数字存储？），已按四位读取（{value} 读作 {code}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>Layer {layer} does not fit its CRS {crs}: its features lie between x={x1:.4f}, y={y1:.4f} and x={x2:.4f}, y={y2:.4f}, where that CRS puts nothing in China (longitude and latitude under a projected CRS, or a missing zone prefix?). Screened so, every spot would get 0 from it: set the layer's right CRS.</source>
      <translation>图层 {layer} 与其坐标系 {crs} 不符：其要素位于 x={x1:.4f}, y={y1:.4f} 至 x={x2:.4f}, y={y2:.4f} 之间，该坐标系在中国境内没有这样的位置（经纬度却标为投影坐标系，或缺少带号？）。照此筛查，每个图斑从该图层得到的面积都会是 0：请为图层设置正确的坐标系。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: fields {fields} are read as the fields asked for, their names matched ignoring case and surrounding spaces.</source>
      <translation>{layer}：字段 {fields} 按不区分大小写、忽略首尾空格的字段名读作所需字段。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer} has no field {field} (the later image's date): the approvals of {approvals} are counted whatever their term, an expired one too.</source>
      <translation>{layer} 没有字段 {field}（后时相日期）：{approvals} 中的批准用地不论期限一律计入，已到期的也计入。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer} has none of the fields {fields} (granted, start and end of the term): its approvals are counted whatever their term, an expired one too.</source>
      <translation>{layer} 没有 {fields} 中的任何字段（批准日期、起始日期、截止日期）：其批准用地不论期限一律计入，已到期的也计入。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: field {field}: {value} is read as {code}, not as the 20x code of towns, villages and mines (construction land); if it is one, write the field's other codes with four digits (0101, not 101) so that the two can be told apart.</source>
      <translation>{layer}：字段 {field} 中的 {value} 按 {code} 读取，而不是城镇村及工矿用地的 20x 编码（建设用地）；如果它是 20x 编码，请把该字段的其他编码写成四位（0101 而不是 101），以便区分。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>Layer {layer} cannot be read from {source}: {error}</source>
      <translation>无法读取图层 {layer}（{source}）：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>Layer {layer} is a table without geometry; screening needs polygons.</source>
      <translation>图层 {layer} 是没有几何的属性表；筛查需要面图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>Layer {layer} holds {kind} ({type}); screening needs polygons.</source>
      <translation>图层 {layer} 为{kind}图层（{type}），筛查需要面图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>Layer {layer} does not reach any spot: its features lie outside the spots' extent, so its areas are all 0. If that is unexpected, check its coordinate reference system ({crs}).</source>
      <translation>图层 {layer} 与所有图斑均不相交：其要素都在图斑范围之外，相应面积均为 0。如与预期不符，请检查其坐标系（{crs}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>{layer}: {count} values of field {field} are not dates ({name}: {value}); they are taken as unknown.</source>
      <translation>{layer}：字段 {field} 有 {count} 个值不是日期（{name}：{value}），按未知处理。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>The folder for output {output} does not exist: {folder}</source>
      <translation>输出 {output} 所在的文件夹不存在：{folder}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>points</source>
      <translation>点</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>lines</source>
      <translation>线</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_inputs.py" />
      <source>Layer {layer} has no feature with a geometry ({count} features): it screens nothing, and its fields are left empty as for a layer not given. Was the right layer given?</source>
      <translation>图层 {layer} 没有带几何的要素（共 {count} 个要素）：不参与筛查，其字段与未提供该图层时一样留空。是否选错了图层？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>Cannot create the output layer.</source>
      <translation>无法创建输出图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>{count} spots have coordinates that are not numbers: {spots}. They are kept with zero areas and written without geometry.</source>
      <translation>有 {count} 个图斑的坐标含非数值：{spots}。已保留，面积记为 0，输出时不带几何。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>{count} spots are not polygons: {spots}. They are kept with zero areas and written without geometry.</source>
      <translation>有 {count} 个图斑不是面：{spots}。已保留，面积记为 0，输出时不带几何。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>Cannot create the pieces layer.</source>
      <translation>无法创建压占部分图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>The spots already hold result fields (screened before?): they are kept as they were, and this run's results are in renamed fields: {names}. Screen the original spot layer to get the standard names.</source>
      <translation>图斑图层已含有筛查结果字段（曾筛查过？）：原字段保持不变，本次结果写入改名后的字段：{names}。如需标准字段名，请对原始图斑图层进行筛查。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>The spots have fields named like screening results: {fields}. They are kept as they were, and this run's results are in renamed fields: {names}; importspots will refuse this output, whose standard names hold the spots' own values. Rename those fields of the spot layer before screening (TBMJ to TBMJ_JF, say) and screen it again.</source>
      <translation>图斑图层有与筛查结果同名的字段：{fields}。这些字段保持原样，本次筛查结果写在了改名的字段中：{names}；该输出的标准字段保存的是图斑自带的值，“筛查结果导入台帐”（importspots）将拒绝导入。请在筛查前把图斑图层的这些字段改名（如 TBMJ 改为 TBMJ_JF），然后重新筛查。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>no geometry</source>
      <translation>无几何</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>The output format {format} cannot keep a spot without a polygon, and {count} spots of {layer} have none: {spots}. Nothing was written: write the output as a GeoPackage (.gpkg) or Shapefile (.shp), which keep them without geometry and with zero areas.</source>
      <translation>输出格式 {format} 不能保存没有面几何的图斑，而 {layer} 中有 {count} 个图斑没有面几何：{spots}。未写出任何内容：请输出为 GeoPackage（.gpkg）或 Shapefile（.shp），二者会保留这些图斑（不带几何，面积记为 0）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>A Shapefile field name holds at most 10 bytes: these fields were renamed in the output (a GeoPackage output keeps every name): {names}</source>
      <translation>Shapefile 字段名最多 10 个字节，输出中以下字段已改名（GeoPackage 输出保留全部原名）：{names}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>The run stopped while writing; these outputs are incomplete: {outputs}</source>
      <translation>运行在写出结果时中止，以下输出不完整：{outputs}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>{layer}: {count} texts are longer than a Shapefile field holds ({limit} bytes, {encoding}): {texts}. Written to the Shapefile {output} they will be cut; a GeoPackage output keeps them whole.</source>
      <translation>{layer}：{count} 处文本超过 Shapefile 字段的容量（{limit} 字节，{encoding}）：{texts}。写入 Shapefile {output} 时将被截断；输出为 GeoPackage 则保留全文。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>{count} spots are geometry collections: {spots}. Their polygons were measured and are written; their points and lines are left out.</source>
      <translation>有 {count} 个图斑是几何集合：{spots}。已量算并写出其中的面，点和线不写出。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>{count} spot numbers or feature names were longer than a field of the pieces layer holds and were cut, e.g. {text}</source>
      <translation>有 {count} 个图斑编号或要素名称超出压占部分图层的字段长度，已截断，例如：{text}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>coordinates not numbers</source>
      <translation>坐标含非数值</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>The spots have a field {field}, which a GeoPackage keeps for its own feature ids: it is written as {name}, its values unchanged.</source>
      <translation>图斑含有字段 {field}，GeoPackage 将该名称留作要素号：该字段改名为 {name} 写出，取值不变。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>field {field} of {row}</source>
      <translation>{row} 的字段 {field}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_outputs.py" />
      <source>Spot feature {fid} of {layer} was not there when the spots were read: save or close the layer's edits and run again.</source>
      <translation>图层 {layer} 的图斑要素 {fid} 在读取图斑时并不存在：请先保存或结束该图层的编辑，再重新运行。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Ecological red line (STHX)</source>
      <translation>生态保护红线（STHX）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>No-mining zones</source>
      <translation>禁采区</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Three-zones-two-lines view areas</source>
      <translation>三区两线可视范围</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Approvals (land conversion, temporary, facility land)</source>
      <translation>批准用地（农转用、临时用地、设施农用地）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screen spots</source>
      <translation>图斑叠加筛查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screening</source>
      <translation>筛查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Overlays every satellite spot on the land-use parcels (DLTB) and the protection layers given, computes official areas (m², {decimals} decimals; ellipsoidal on CGCS2000 by default) and suggests a verdict with its reason, a review priority and whether the criminal-referral threshold is reached. Every input field of the spots is kept.
Parameters:
• Satellite spots: polygons; spot number field (SPOT_KEY_FIELD, default JCBH) names spots in messages. A spot field HSX (later image date) lets approvals be judged as they stood then. Fields are found whatever their case (hsx, pzwh).
• Land-use parcels with their land-class code field (default DLBM): the land-class split. Without it, cultivated land cannot be ruled out.
• Basic farmland, red line, no-mining zones, three zones two lines, approvals: optional; a layer not given (or without any geometry) leaves its fields empty. Approvals (APPROVALS) may carry PZWH, PZLX (kind), PZRQ/QSRQ (granted, start) and JZRQ (end).
• Area method: ellipsoidal (official) or planar Gauss-Krüger.
• Deduct field ridges from cultivated area: cultivated area net of ridges, GDMJ × (1 − KCXS); needs a KCXS field in the land-use layer.
• Approval share (APPROVAL_SHARE, advanced, default {share} %): how much of a spot approvals must cover.
• Pieces (OUTPUT_PIECES, optional output): one feature per part of a spot inside a parcel or protection feature, with its layer TCMC (in words: {piece_layers}), label YSBH, area MJ (m²) and the ids TBFID and YSFID.
Output fields:
• TBMJ spot area, split into GDMJ cultivated (0101/0102/0103), FGNYDMJ other agricultural, JSYDMJ construction (also the 20x codes 201-205), WLYDMJ unused and WDCMJ unsurveyed or unclassifiable (under no parcel, or under a class code the survey does not have), adding up to TBMJ; XZJSYDMJ new construction land = GDMJ + FGNYDMJ + WLYDMJ.
• YJJBNTMJ basic farmland, STHXMJ red line, JCQMJ no-mining zones, SQLXMJ view areas, PZMJ approvals in force: each the spot's area inside the union of the layer's features.
• Key figures again in mu ({mu_fields}; 1 mu = {sqm_per_hectare}/{mu_per_hectare} m²); {flag_fields}: whether the spot touches cultivated land and each layer; STHXBH, JCQMC, SQLXMC, PZWH the features hit.
• JYPD suggested verdict, PDYY its reason, YXJ review priority, SFXS referral threshold reached, JHWT what was wrong with the geometry.
• XSJBNTMJ and XSGDMJ (m²): the figures SFXS was judged on, the unapproved basic farmland and the unapproved cultivated land gross of ridges (含田坎), basic farmland included; where SFXS is empty they hold what was measured, land of unknown class not counted; empty for a layer not given.
Suggested verdict (JYPD):
An overlap, or land of a class, counts only when the report shows it (at least {least_shown} mu); basic farmland and cultivated land count only outside approvals in force at HSX.
• 疑似违法 (suspected illegal): basic farmland, cultivated land or red line taken, or a referral-scale area outside the approvals.
• 已批准覆盖 (covered by approval): approvals cover the approval share, the spot touches no red line and no basic farmland, and the rest takes no cultivated land.
• 需实地核查 (field check): a mostly approved spot whose rest is not clean (land taken beyond the approval?); no-mining zones or view areas alone (what is the land used for?); basic farmland wholly inside approvals, however fully they cover the spot (may the approval take it?); on construction land, an approval ended before HSX or granted after it; temporary land (PZLX 临时用地) ended before HSX but within its year of restoration, which still counts as approved (is it being restored?); an approval whose end comes before its grant (its term is checked); other agricultural, unused or unsurveyed land; no land-use layer; no geometry, or an area under {least_shown} mu (not ranked).
• 未涉及保护图层 (no concern): construction land only (and cultivated land wholly inside approvals in force), screened against all four of basic farmland, red line, no-mining zones and view areas; with one missing the reason names it and a field check is suggested.
YXJ: 1 referral scale or red line, 2 basic farmland or no-mining zone, 3 cultivated land or view area, or the field checks on basic farmland inside approvals, on land of unknown class that could reach the referral scale (SFXS empty), on construction land or on temporary land above, 4 the rest; empty (not ranked) instead of 4 when the land-use layer or one of the four protection layers was not given, or the spot has no geometry, as nothing then says the spot is of least concern (the dock lists unranked spots last). SFXS: unapproved basic farmland of {basic_farmland_mu} mu or more, or unapproved cultivated land outside it of {cultivated_mu} mu or more, as the report shows them ({decimals} decimals); with ridges deducted the test takes the gross area (含田坎). It needs both the land-use and the basic-farmland layers: without one, it is set only where the figures measured decide it ({basic_farmland_mu} mu of basic farmland; {both_mu} mu of cultivated land without the farmland layer; a spot too small to reach either threshold) and left empty otherwise. Land of unknown class (WDCMJ) may be cultivated: SFXS is also left empty (NULL: open, for the site check to settle) where it and the cultivated land together could reach {cultivated_mu} mu outside the basic farmland and approvals, and for a spot without geometry, which was checked against nothing.
Bad input:
Invalid geometry is repaired and noted in JHWT, and a repaired spot is written with its repaired outline, the shape its figures were measured on; empty spots, stray points or lines and spots with coordinates that are not numbers are kept with zero areas (written without geometry: a FlatGeobuf, MapInfo or GMT output, which would drop them, is refused, naming them); a geometry collection keeps its polygons; layers in other CRSs are transformed with their edges kept; geographic spots are measured in their Gauss-Krüger zone. The run stops, naming the layer, feature or field, when a layer has no usable CRS, is on Beijing 1954 or Xian 1980, holds lines or points or is a table without geometry, cannot be read or transformed, lies where its CRS puts nothing in China, a protection feature has coordinates that are not numbers, text in any spot field or protection-layer label looks mis-decoded (GBK or UTF-8 read wrongly), the class field is missing, or an output's folder does not exist. It warns about lost leading zeros in class codes, layers that reach no spot, approvals that count whatever their term (no HSX, or none of PZRQ, QSRQ, JZRQ), flags set by slivers none of which shows alone (naming the layer and features), result fields the spots already hold, and renamed or cut Shapefile fields.</source>
      <translation>把每个卫片图斑与地类图斑（DLTB）及所给的各保护图层叠加，计算法定面积（平方米，{decimals} 位小数；默认按 CGCS2000 椭球面积），给出建议判定及理由、核查优先级和是否达到移送公安的面积标准。保留图斑的全部输入字段。
参数：
• 卫片图斑：面图层；图斑编号字段（SPOT_KEY_FIELD，默认 JCBH）用于在提示中指明图斑。图斑含后时相字段 HSX 时，按后时相当时的有效批准判断。字段名不区分大小写（hsx、pzwh 亦可）。
• 地类图斑及其地类编码字段（默认 DLBM）：用于地类拆分。未提供时无法排除占用耕地。
• 永久基本农田、生态保护红线、禁采区、三区两线、批准用地：可选；未提供（或完全没有几何）的图层，其字段留空。批准用地（APPROVALS）可含 PZWH、PZLX（类型）、PZRQ/QSRQ（批准日期、起始日期）和 JZRQ（截止日期）。
• 面积计算方法：椭球面积（法定）或高斯-克吕格平面面积。
• 耕地面积扣除田坎：耕地按扣除田坎后的净面积计，GDMJ × (1 − KCXS)；地类图斑图层须有 KCXS 字段。
• 批准用地覆盖图斑达到多少比例时视为已批准覆盖（APPROVAL_SHARE，高级，默认 {share}%）：批准用地须覆盖图斑的比例。
• 图斑压占部分（OUTPUT_PIECES，可选输出）：图斑落入各地类图斑或保护要素的每一部分，附所在图层 TCMC（图层名称：{piece_layers}）、要素编号或地类 YSBH、面积 MJ（平方米）以及要素号 TBFID、YSFID。
输出字段：
• TBMJ 图斑面积，拆分为 GDMJ 耕地（0101/0102/0103）、FGNYDMJ 其他农用地、JSYDMJ 建设用地（含 20x 编码 201–205）、WLYDMJ 未利用地和 WDCMJ 未调查或无法归类面积（不在任何地类图斑内，或地类编码不属调查分类），合计等于 TBMJ；XZJSYDMJ 新增建设用地 = GDMJ + FGNYDMJ + WLYDMJ。
• YJJBNTMJ 永久基本农田、STHXMJ 生态保护红线、JCQMJ 禁采区、SQLXMJ 三区两线可视范围、PZMJ 有效批准用地：均为图斑落入该图层要素并集的面积。
• 主要面积另以亩给出（{mu_fields}；1 亩 = {sqm_per_hectare}/{mu_per_hectare} 平方米）；{flag_fields} 为是否涉及耕地及各图层的标志；STHXBH、JCQMC、SQLXMC、PZWH 为所涉及要素。
• JYPD 建议判定，PDYY 建议判定理由，YXJ 核查优先级，SFXS 是否达到刑事移送标准，JHWT 几何问题说明。
• XSJBNTMJ 刑事移送测算未批永久基本农田面积、XSGDMJ 刑事移送测算未批耕地（含田坎）面积（平方米）：SFXS 据以判断的面积，后者含永久基本农田；SFXS 留空时为已量算的面积，不计未调查或无法归类的土地；未提供相应图层时留空。
建议判定（JYPD）：
只有在报表中显示出来的压占或地类面积（至少 {least_shown} 亩）才计入；永久基本农田和耕地只计后时相时有效批准用地以外的部分。
• 疑似违法：占用永久基本农田、耕地或涉及生态保护红线，或批准用地以外的面积达到移送规模。
• 已批准覆盖：批准用地覆盖达到批准覆盖比例，图斑不涉及红线和永久基本农田，且未批部分不占用耕地。
• 需实地核查：大部分已批但未批部分不干净（是否超出批准范围占地）；仅涉及禁采区或三区两线（核实土地用途）；永久基本农田均在批准范围内，无论批准覆盖多少（核实批准是否包含占用永久基本农田）；建设用地上的批准在后时相前已到期或在其后才批准；临时用地（PZLX 临时用地）在后时相前到期但仍在一年复垦期内，仍计入批准覆盖（核实是否按期复垦）；批准用地的截止日期早于批准日期（核实批准期限）；其他农用地、未利用地或无地类覆盖；未提供地类图斑图层；无几何，或面积不足 {least_shown} 亩（不排序）。
• 未涉及保护图层：仅位于建设用地（及全部位于有效批准用地内的耕地），且已与永久基本农田、生态保护红线、禁采区和三区两线四个图层叠加；缺少其中任一图层时，理由中列明并建议实地核查。
YXJ：1 达到移送规模或涉及红线，2 永久基本农田或禁采区，3 耕地或三区两线，或上述永久基本农田在批准范围内、未调查或无法归类的土地可能达到刑事移送标准（SFXS 留空）、建设用地上或临时用地的实地核查，4 其他；未提供地类图斑图层或四个保护图层中任一图层时，或图斑无几何时，原应为 4 的图斑留空（不排序），因无从断定其最不紧要（核查面板将未排序的图斑列在最后）。SFXS：未批永久基本农田 {basic_farmland_mu} 亩及以上，或基本农田以外未批耕地 {cultivated_mu} 亩及以上，按报表显示的 {decimals} 位小数判断；扣除田坎时按含田坎的毛面积判断。该判断需要地类图斑图层和永久基本农田图层：缺少其一时，仅在已量算的面积足以判定时给出（永久基本农田达 {basic_farmland_mu} 亩；无永久基本农田图层时耕地达 {both_mu} 亩；图斑面积不足以达到任一标准），否则留空。未调查或无法归类的土地（WDCMJ）可能为耕地：该部分与耕地合计可能在永久基本农田和批准用地以外达到 {cultivated_mu} 亩时，SFXS 亦留空（NULL，待实地核查确定）；无几何的图斑未与任何图层叠加，SFXS 同样留空。
问题数据：
无效几何自动修复并记入 JHWT，修复后的图斑按修复后的形状（即面积据以量算的形状）输出；空几何、混入的点或线以及坐标含非数值的图斑予以保留，面积记为 0（输出时不带几何；输出为会丢弃这些图斑的 FlatGeobuf、MapInfo 或 GMT 格式时拒绝运行并列出图斑）；几何集合保留其中的面；其他坐标系的图层经转换并保持边的形状；地理坐标的图斑在其所在高斯-克吕格带中量算。图层没有可用的坐标系、采用北京 1954 或西安 1980 坐标系、为线、点或无几何的属性表、无法读取或转换、位于其坐标系在中国境内没有的位置，保护图层要素坐标含非数值，图斑任一字段或保护图层名称文字疑似乱码（GBK 或 UTF-8 读错），缺少地类字段，或输出所在文件夹不存在时，运行停止并指明图层、要素或字段。地类编码缺少前导零、图层与所有图斑均不相交、批准用地无法按期限判断（缺少 HSX，或缺少 PZRQ、QSRQ、JZRQ 全部字段）而不论期限一律计入、仅由各自显示为 0.00 的碎片合计而置位的标志（列出图层和要素）、图斑已含筛查结果字段、Shapefile 字段改名或截断时给出提示。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{count} because the land-use and basic-farmland layers were not given</source>
      <translation>{count} 个因未提供地类图斑和永久基本农田图层</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{count} because the land-use layer was not given</source>
      <translation>{count} 个因未提供地类图斑图层</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{count} because the basic-farmland layer was not given</source>
      <translation>{count} 个因未提供永久基本农田图层</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{count} because land of unknown class (WDCMJ) could be cultivated land enough to reach it</source>
      <translation>{count} 个因未调查或无法归类的土地（WDCMJ）可能为耕地而达到标准</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{count} because the spot has no geometry</source>
      <translation>{count} 个因图斑无几何</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Spot number field (names spots in messages)</source>
      <translation>图斑编号字段（用于提示信息中指明图斑）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Share of a spot approvals must cover to count as approved (%)</source>
      <translation>批准用地覆盖图斑达到多少比例时视为已批准覆盖（%）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Writing the results</source>
      <translation>正在写出结果</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screened {count} spots: {verdicts}; {referral} reach the criminal-referral threshold; {noted} have geometry notes (JHWT).</source>
      <translation>已筛查 {count} 个图斑：{verdicts}；{referral} 个达到移送公安的面积标准；{noted} 个有几何问题说明（JHWT）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Satellite spots (JCTB)</source>
      <translation>卫片图斑（JCTB）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Deduct field ridges from cultivated area (KCXS)</source>
      <translation>耕地面积扣除田坎（KCXS）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Pieces inside land-use parcels and protection layers</source>
      <translation>图斑压占部分（地类图斑及各保护图层）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>The spot layer cannot be opened.</source>
      <translation>无法打开图斑图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Overlaying spots on {count} layers</source>
      <translation>正在与 {count} 个图层叠加</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screening of {layer}</source>
      <translation>图斑叠加筛查：{layer}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{count} spots could not be tested against the threshold (SFXS left empty): {causes}.</source>
      <translation>{count} 个图斑无法判断是否达到刑事移送标准（SFXS 留空）：{causes}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{layer} has no field {field}: spots are named by feature id (fid) in messages and pieces.</source>
      <translation>{layer} 没有字段 {field}：提示信息和压占部分中以要素号（fid）指明图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{layer} has no features: there is no spot to screen. Was the right layer given, or "Selected features only" ticked with none selected?</source>
      <translation>{layer} 没有要素，没有可筛查的图斑。是否选错了图层，或勾选了“仅选中的要素”却未选中任何要素？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>{layer}: {count} spots have no number in {field} ({spots}): they are screened, named by feature id, but importspots will refuse them. Give them their numbers first.</source>
      <translation>{layer}：{count} 个图斑的 {field} 为空（{spots}）：已按要素号筛查，但导入台帐时将被拒绝。请先补填编号。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/shapefile_texts.py" />
      <source>Output {output} is a Shapefile, whose texts hold {limit} bytes ({encoding}): {count} longer texts were cut, a list after its last whole item and ending with its total count (…等 N), any other text at a character's end marked …: {texts}. A GeoPackage output keeps them whole.</source>
      <translation>输出 {output} 为 Shapefile，文本字段最多容纳 {limit} 字节（{encoding}）：{count} 处较长文本已截断，列表在最后一个完整项之后截断并以总数结尾（…等 N），其他文本在字符边界截断并以 … 标示：{texts}。GeoPackage 输出保留全文。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/style_on_load.py" />
      <source>{title} (run {run})</source>
      <translation>{title}（第 {run} 次）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Three zones two lines view areas</source>
      <translation>三区两线可视范围</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Builds the three-zones-two-lines (三区两线) view areas: each line (railway, highway, river) and zone (nature reserve, scenic area, town) is buffered by the view distance set for its kind (DISTANCES) (LX field; the name is in MC). There are no default distances, a provincial choice: give one in metres for every kind in the data, or the run stops naming the layer, feature and field. Segments with the same kind and name are one line, and so are nameless features of one kind that touch or overlap (a highway of unnamed segments), named by kind and feature ids. The output is dissolved into disjoint pieces: SQLXMC the names of the lines and zones a piece is in view of (';'-joined), SQLXLX their kinds in the same order, SQLXSL how many, SQLXMJ its area in m² and SQLXMJ_MU in mu (亩). Use it as the three-zones layer of Screen spots (it reads SQLXMC). With spots and mines (points or polygons) the summary table gives, per line or zone (MC, LX, LB 线/区, JL distance in m): TBSL/TBBH/TBMJ the spots in view, their numbers and their area inside the view area (TBMJ_MU in mu), KSSL/KSBH/KSMJ/KSMJ_MU the same for mines; the last row, MC = 合计, counts each once. Without spots (SPOTS) or mines (MINES) their columns are empty (NULL): not counted, not 0 in view. An optional clip layer (CLIP, e.g. the district) limits the view areas. Spots and mines in view (OUTPUT_SUMMARY) is that summary, an optional output; a list of numbers longer than a spreadsheet cell holds (or 254 bytes in a Shapefile) is cut after a whole number, ending with the count, and the optional detail (OUTPUT_DETAIL) has every spot and mine in view, one row per line or zone and spot or mine (MC, LX, DXLB 图斑/矿山, BH its number, MJ its area in view in m², MJ_MU in mu).</source>
      <translation>构建三区两线可视范围：每条线（铁路、高速公路、河流）和每个区域（自然保护区、风景名胜区、城镇）按其类型（LX 字段；名称在 MC 字段）设定的距离缓冲。距离没有默认值，由省里确定：须为数据中的每种类型给出以米为单位的距离，否则运行停止并指明图层、要素和字段。类型和名称相同的线段视为一条线；同一类型、相互接触或重叠的无名称要素（如由未命名路段组成的高速公路）也视为一条线或一个区域，以类型和要素编号命名。输出融合为互不重叠的片：SQLXMC 该片可见的线和区域名称（以“;”连接），SQLXLX 其类型（顺序相同），SQLXSL 个数，SQLXMJ 面积（m²），SQLXMJ_MU 面积（亩）。可作为“图斑叠加筛查”的三区两线图层（读取 SQLXMC）。给出图斑和矿点（点或面）时，汇总表按线或区域（MC、LX、LB 线/区、JL 距离 m）给出：TBSL/TBBH/TBMJ 可视范围内的图斑个数、编号及其在可视范围内的面积（TBMJ_MU 为亩），KSSL/KSBH/KSMJ/KSMJ_MU 矿点的相应数值；最后一行 MC = 合计，每个图斑或矿点只计一次。未给出图斑（SPOTS）或矿点（MINES）时，其各列为空（NULL）：表示未统计，而非可视范围内为 0。可选的裁剪图层（如全区范围）限定可视范围。各类型可视距离（DISTANCES）没有默认值；裁剪范围（CLIP）限定可视范围；可视范围内的图斑和矿点（OUTPUT_SUMMARY）即上述汇总表，为可选输出；编号列表超出电子表格单元格容量（Shapefile 为 254 字节）时在完整编号之后截断，末尾注明总数；可选的“可视范围内图斑和矿山明细”（OUTPUT_DETAIL）列出可视范围内的全部图斑和矿点，每条线或区域与每个图斑或矿点一行（MC、LX、DXLB 图斑/矿山、BH 编号、MJ 在可视范围内的面积 m²，MJ_MU 为亩）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Lines (railways, highways, rivers)</source>
      <translation>线状要素（铁路、高速公路、河流）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Kind field of the lines</source>
      <translation>线状要素类型字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Name field of the lines</source>
      <translation>线状要素名称字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Zones (nature reserves, scenic areas, towns)</source>
      <translation>区域要素（自然保护区、风景名胜区、城镇）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Kind field of the zones</source>
      <translation>区域要素类型字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Name field of the zones</source>
      <translation>区域要素名称字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Clip to (e.g. the district)</source>
      <translation>裁剪范围（如全区）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Spots to summarise</source>
      <translation>需汇总的图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Spot number field</source>
      <translation>图斑编号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Mines to summarise</source>
      <translation>需汇总的矿点</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Mine id field</source>
      <translation>矿点编号字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Spots and mines in view, by line or zone</source>
      <translation>可视范围内的图斑和矿点（按线或区域）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Spots and mines in view, one row per line or zone and spot or mine</source>
      <translation>可视范围内图斑和矿山明细</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Give a layer of lines, of zones, or both.</source>
      <translation>请给出线状要素图层、区域要素图层或两者。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Building the view areas</source>
      <translation>正在构建可视范围</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Counting spots and mines in view</source>
      <translation>正在统计可视范围内的图斑和矿点</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>View distance per kind (m)</source>
      <translation>各类型可视距离（m）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Distance (m)</source>
      <translation>距离（m）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>No view distance is given for kinds {kinds}; add them to the distances (m).</source>
      <translation>以下类型未给出可视距离：{kinds}；请在距离（米）表中补充。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>Features without a kind, whose view distance cannot be chosen: {where}.</source>
      <translation>以下要素没有类型，无法确定可视范围距离：{where}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>{layer}: {count} mine numbers are held by more than one feature, each counted and listed where it is in view: {numbers}.</source>
      <translation>{layer}：有 {count} 个矿山编号由多个要素共用，各要素均在其可视范围内计入并列出：{numbers}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>{layer}: {count} spot numbers are held by more than one feature, each counted and listed where it is in view: {numbers}. Correct them before importing the spots.</source>
      <translation>{layer}：{count} 个图斑编号被多个要素共用，各要素在可视范围内均分别计数和列出：{numbers}。导入台帐前请先改正。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>{parameter}, kind {kind}: the view distance “{value}” is not a positive number of metres.</source>
      <translation>{parameter}，类型 {kind}：可视距离“{value}”不是以米为单位的正数。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>{parameter}: the kind {kind} is given two distances, {first:g} m and {second:g} m: keep one.</source>
      <translation>{parameter}：类型 {kind} 给了两个距离，{first:g} 米和 {second:g} 米：请只保留一个。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/three_zones_two_lines.py" />
      <source>layer {layer}, feature {feature}, field {field}</source>
      <translation>图层 {layer}，要素 {feature}，字段 {field}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Withdraw batch</source>
      <translation>撤回批次</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Removes the batch BATCH from the ledger: its spots and then the batch itself, as though it had never been imported, so that the right file can be imported in its place. Only a batch none of whose spots has been worked on can be withdrawn: a spot with a verdict, evidence, a case or a patrol naming it is kept for good, and the run is refused before anything is removed, naming those spots. On the shared ledger only a brigade login may withdraw a batch. The removal is one transaction: cancelled or failed, it removes nothing.
REMOVED: how many spots were removed.</source>
      <translation>从台帐中删除“要撤回的批次”（BATCH）所填的批次：先删除其图斑，再删除该批次本身，如同从未导入，以便在其位置导入正确的文件。只有所有图斑均未开展工作的批次才能撤回：已有判定、举证材料、案件或被巡查记录提及的图斑永久保留，此时在删除任何内容之前即拒绝运行，并列出这些图斑。在共享台帐上只有执法监察大队的登录可以撤回批次。删除在一个事务中完成：取消或失败时不删除任何内容。
REMOVED：删除的图斑数。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Batch to withdraw</source>
      <translation>要撤回的批次</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Spots removed</source>
      <translation>删除的图斑数</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>No batch given.</source>
      <translation>未填写批次。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Withdrawing the batch {batch}</source>
      <translation>正在撤回批次 {batch}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Cancelled, nothing withdrawn.</source>
      <translation>已取消，未撤回任何图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/withdraw_batch.py" />
      <source>Batch {batch} withdrawn: {count} spots removed.</source>
      <translation>已撤回批次 {batch}：删除图斑 {count} 个。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/word_lists.py" />
      <source>(empty)</source>
      <translation>（空）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/word_lists.py" />
      <source>{layer}: none of its {count} features has a {field} among the words typed ({words}): {consequence}. {field} holds {distinct} distinct values: {found}. Type the words as the layer spells them.</source>
      <translation>{layer}：其 {count} 个要素的 {field} 均不在所填词语（{words}）之中：{consequence}。{field} 共有 {distinct} 种取值：{found}。请按该图层的写法填写。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>The spot was judged {category} ({day}); its case is not withdrawn yet: withdraw it on the case page (Next step: withdraw), with the reason</source>
      <translation>图斑已判定为{category}（{day}），案件尚未撤销：请在案件页撤销案件（下一步：撤销案件），并写明理由</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Limitation{tag}: no penalty for an act not discovered within {length} (for a continuing act, from its end); for reference: the ledger records no day the act ended</source>
      <translation>行政处罚时效{tag}：违法行为在 {length}内未被发现的，不再给予行政处罚（有连续或者继续状态的，从行为终了之日起计算）；供参考：台帐未记录行为终了之日，不计算日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Next step</source>
      <translation>下一步</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Person</source>
      <translation>经办人</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>document names, separated by ;</source>
      <translation>文书名称，以 ; 分隔</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Add a report document</source>
      <translation>添加报告类文书</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Documents</source>
      <translation>文书</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Remarks</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Correct step</source>
      <translation>更正步骤</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>reason (required), e.g. typing error</source>
      <translation>理由（必填），如：录入错误</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Correct</source>
      <translation>更正</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Right date</source>
      <translation>正确日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Reason</source>
      <translation>理由</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Right remarks</source>
      <translation>正确备注</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Correct a step…</source>
      <translation>更正步骤…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>The evidence of a case found on patrol (audio, video and photos of each delivery, interview, site survey and supervision) cannot be attached or checked on this page: check it against the case file.</source>
      <translation>巡查发现的案件，其举证材料（每次送达、询问、现场勘测和现场监督的录音、录像和照片）不能在本页登记或核对：请对照案卷核对。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Report recorded already?</source>
      <translation>已记录过该报告？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Same step again?</source>
      <translation>再次记录相同步骤？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>{period} ends on {due} by an estimate only (no holiday schedule for its year): it may run later. Record {stage} on {date}? Only if the party waived the period, or once the year's holidays are added and the period has run out.</source>
      <translation>{period}按估算至 {due} 届满（该年没有节假日安排），实际可能更晚届满。仍要记录 {date} 的{stage}？仅当当事人放弃该期限，或加入该年节假日安排后期限确已届满时记录。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>{period} runs until {due}. Record {stage} on {date} within it? Only if the party waived the period: a step taken within it can make the decision void.</source>
      <translation>{period}至 {due} 届满。确定在期限内于 {date} 记录“{stage}”吗？仅在当事人放弃该期限时记录：期限内作出的决定可能被撤销或确认无效。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Within the party's period?</source>
      <translation>在当事人期限内？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>a report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>the withdrawal</source>
      <translation>撤销案件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source> (report only: {documents})</source>
      <translation>（仅报告：{documents}）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>record the document “{name}” when it is made</source>
      <translation>报告送出时记录文书“{name}”即完成</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>case page of case {id}</source>
      <translation>案件 {id} 的案件页</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Record a report only (the stage stays)</source>
      <translation>只记录报告（阶段不变）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Withdraw the case (opened in error or lawful)</source>
      <translation>撤销案件（立案错误或已判定合法）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>The case is closed: no further step is possible.</source>
      <translation>案件已结案，不能再进行下一步。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Not recorded: {period} may run later than its estimated end {due}.</source>
      <translation>未记录：{period}可能晚于估算的届满日 {due}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Not recorded: {period} runs until {due}.</source>
      <translation>未记录：{period}至 {due} 届满。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Nothing to correct: give the right date or the right remarks of the step.</source>
      <translation>没有需要更正的内容：请填写该步骤正确的日期或正确的备注。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Case {id}</source>
      <translation>案件 {id}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Reason for the correction</source>
      <translation>更正理由</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Evidence recorded after the case was closed on {date}: {files}</source>
      <translation>案件于 {date} 结案后登记的证据：{files}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Steps lacking audio, video or photo evidence (each delivery, interview, site survey and supervision needs all three): {steps}</source>
      <translation>以下步骤缺少录音、视频或照片证据（送达、询问、勘验和现场监督均须录音、视频、照片齐全）：{steps}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Not recorded: the same step as the last one.</source>
      <translation>未记录：与上一步相同。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Case {id}: {step} of {date} recorded</source>
      <translation>案件 {id}：已记录 {date} 的{step}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Case {id}: the step {step} corrected</source>
      <translation>案件 {id}：{step}步骤已更正</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>“{document}” is on the case already, recorded on {date}. Record it again (a further report, not the same one)?</source>
      <translation>案件已有“{document}”，记录于 {date}。是否再次记录（另一份报告，而非同一份）？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>{stage} on {date} by {person} is the case's last step already. Record it again (for another party, say)?</source>
      <translation>{date} {person} 的“{stage}”已是本案最近一步。仍要再记录一次（如针对另一当事人）？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>A report alone needs one of the report documents (＋): {names}</source>
      <translation>只记录报告时，文书须为报告类文书（＋）：{names}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/case_panel.py" />
      <source>Not recorded: “{document}” is on the case already ({date}).</source>
      <translation>未记录：案件已有“{document}”（{date}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>Unsaved entries</source>
      <translation>内容尚未保存</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>Not saved</source>
      <translation>未能保存</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>… and {count} more</source>
      <translation>…另有 {count} 项</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>Save ({keys}, from any field of the page)</source>
      <translation>保存（{keys}，在本页任一输入框中均可）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>The entries of the {page} were not saved: {reasons}

Nothing of them was recorded in the ledger. They were:
{entries}</source>
      <translation>{page}的内容未能保存：{reasons}

台帐中没有记录其中任何内容。所填内容为：
{entries}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>The {page} is closing with entries that are not saved:

{entries}

Save them now, or discard them?</source>
      <translation>{page}即将关闭，其中以下内容尚未保存：

{entries}

现在保存，还是放弃这些内容？</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>Saving the entries of the {page} stopped with an error: {error}

Look at the ledger to see whether they were recorded. They were:
{entries}</source>
      <translation>保存{page}的内容时出错：{error}

请查看台帐，确认是否已记录。所填内容为：
{entries}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/entries_panel.py" />
      <source>Whole in QGIS's Log Messages panel, tab {tab}.</source>
      <translation>全文见 QGIS 日志消息面板的 {tab} 标签页。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Photo</source>
      <translation>照片</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Video</source>
      <translation>视频</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Recording</source>
      <translation>录音</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Missing</source>
      <translation>缺失</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>The file is no longer in the evidence folder: {path}</source>
      <translation>证据文件夹中已没有此文件：{path}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Path refused</source>
      <translation>路径被拒绝</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Attach evidence</source>
      <translation>附加举证材料</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Check evidence</source>
      <translation>检查举证材料</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Altered</source>
      <translation>已改动</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>The file differs from the one recorded (its SHA-256 hash): {path}</source>
      <translation>文件与登记时不同（SHA-256 哈希不符）：{path}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>{mark}: {evidence}</source>
      <translation>【{mark}】{evidence}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Attaching evidence files…</source>
      <translation>正在附加证据文件…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Checked: the evidence of the {count} spots listed ({filters}).</source>
      <translation>已检查：列表中 {count} 个图斑的举证材料（{filters}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Photos, videos and recordings</source>
      <translation>照片、视频和录音</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Photos</source>
      <translation>照片</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Videos</source>
      <translation>视频</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Recordings</source>
      <translation>录音</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>All files</source>
      <translation>所有文件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Not read: the stored path is refused ({reason}): {path}</source>
      <translation>未读取：存储的路径被拒绝（{reason}）：{path}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Files are attached to the spot on the review page: close this page first.</source>
      <translation>文件只能附加到核查页面上显示的图斑：请先关闭此页面。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Open a ledger and pick a spot to attach files to it.</source>
      <translation>请先打开台帐并选择图斑，再附加文件。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Cancel check {percent}%</source>
      <translation>取消检查 {percent}%</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Evidence</source>
      <translation>举证材料</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Attaching was cancelled: {attached} of {count} files attached, {left} not attached (from {name} on).</source>
      <translation>已取消附加：{count} 个文件中已附加 {attached} 个，其余 {left} 个未附加（自 {name} 起）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>The evidence check failed: {error}</source>
      <translation>举证材料检查失败：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>{count} files attached to spot {number}</source>
      <translation>已为图斑 {number} 附加 {count} 个文件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Attaching {name} ({number} of {count})…</source>
      <translation>正在附加 {name}（第 {number} 个，共 {count} 个）…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>The evidence check was cancelled: {checked} of {count} files checked, {problems} problems found among them.</source>
      <translation>举证材料检查已取消：已检查 {count} 个文件中的 {checked} 个，其中发现 {problems} 个问题。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>Their evidence files are all present and unaltered.</source>
      <translation>这些图斑已登记的举证文件都在，均未改动（是否足够须另看各图斑）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_actions.py" />
      <source>All evidence files are present and unaltered.</source>
      <translation>已登记的举证文件都在，均未改动。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_check.py" />
      <source>Checking evidence files</source>
      <translation>正在检查举证材料</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_layer.py" />
      <source>Evidence photos and videos</source>
      <translation>核查照片与视频</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/evidence_layer.py" />
      <source>Photo or video</source>
      <translation>照片或视频</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/image_comparison.py" />
      <source>Before</source>
      <translation>前时相</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/image_comparison.py" />
      <source>After</source>
      <translation>后时相</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/image_comparison.py" />
      <source>{image} (no coordinate reference system)</source>
      <translation>{image}（无坐标系）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/image_comparison.py" />
      <source>The image chosen does not cover this spot: {images}.</source>
      <translation>所选影像未覆盖该图斑：{images}。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>form opening a case from a patrol finding</source>
      <translation>巡查发现立案表</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>Open a case from a patrol finding</source>
      <translation>从巡查发现立案</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>Patrol</source>
      <translation>巡查记录</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>the patrol's first staff member</source>
      <translation>默认为巡查记录的第一名人员</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>Cultivated land occupied (GDMJ, m²)</source>
      <translation>占用耕地 GDMJ</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>Of which basic farmland (YJJBNTMJ, m²)</source>
      <translation>其中永久基本农田 YJJBNTMJ</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>not measured</source>
      <translation>未测量</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>No patrol in the ledger: record one first (Reports… › Record a patrol).</source>
      <translation>台帐中还没有巡查记录：请先登记巡查（报表… › 登记巡查）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>{cultivated:.2f} mu cultivated, of which {basic:.2f} mu basic farmland</source>
      <translation>耕地 {cultivated:.2f} 亩，其中永久基本农田 {basic:.2f} 亩</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>criminal scale: transfer to public security</source>
      <translation>达到刑事移送标准，须移送公安</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/patrol_case_panel.py" />
      <source>The basic farmland is part of the cultivated land: it cannot be larger.</source>
      <translation>永久基本农田是所占耕地的一部分，不能大于耕地面积。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/spot_queue.py" />
      <source>unverified</source>
      <translation>未核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/spot_queue.py" />
      <source>Spot</source>
      <translation>图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/spot_queue.py" />
      <source>Priority</source>
      <translation>优先级</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/spot_queue.py" />
      <source>Suggested</source>
      <translation>建议判定</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/spot_queue.py" />
      <source>Area (mu)</source>
      <translation>面积（亩）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Basis or kind</source>
      <translation>依据或类型</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Approval number</source>
      <translation>批准文号</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Approval date</source>
      <translation>批准日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Approved area</source>
      <translation>批准面积</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Actual use</source>
      <translation>实际用途</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Party responsible</source>
      <translation>当事人</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Stop order issued</source>
      <translation>已下达责令停止违法行为通知书</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Areas found on site (m²)</source>
      <translation>实地核实面积（平方米）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Verifier</source>
      <translation>核查人</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Date verified</source>
      <translation>核查日期</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>(choose)</source>
      <translation>（请选择）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>verdict form for spot {number}</source>
      <translation>图斑 {number} 的判定表</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>(cleared)</source>
      <translation>（已清除）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>Verdict for spot {number}</source>
      <translation>图斑 {number} 的判定</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>{field} was delivered as “{value}”, not a number: enter the figure.</source>
      <translation>{field} 交付的值为“{value}”，不是数字：请填写面积。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>The current verdict's date “{value}” is unreadable: enter the date.</source>
      <translation>当前判定的核查日期“{value}”无法识别：请填写日期。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verdict_panel.py" />
      <source>The current verdict's kind “{kind}” is no longer listed: choose one.</source>
      <translation>当前判定的类型“{kind}”已不在列表中：请重新选择。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No evidence yet: drop photos, videos or recordings here, or press E</source>
      <translation>尚无举证材料：把照片、视频或录音拖放到这里，或按 E 附加</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Spot verification</source>
      <translation>图斑核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Ledger (*.gpkg)</source>
      <translation>台帐 (*.gpkg)</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Open or create a verification ledger</source>
      <translation>打开或新建核查台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Ledger</source>
      <translation>台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Refresh (R): read the ledger again, with what was recorded in it elsewhere</source>
      <translation>刷新（R）：重新读取台帐，包括在别处记入的内容</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Shared…</source>
      <translation>共享台帐…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Open the shared ledger of a saved PostgreSQL connection</source>
      <translation>打开已保存的 PostgreSQL 连接上的共享台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Import…</source>
      <translation>导入…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Export…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Reports…</source>
      <translation>报表…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Patrol cases…</source>
      <translation>巡查案件…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Cases of acts found on patrol, not on a spot</source>
      <translation>巡查中发现（非卫片图斑）的违法行为的案件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Go to the spot of this number in the list, or the one spot ending with these digits (Ctrl+F)</source>
      <translation>转到列表中该编号的图斑，或唯一以这些数字结尾的图斑（Ctrl+F）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Drop photos, videos or recordings here to attach them</source>
      <translation>将照片、视频或录音拖到此处即可附加</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Previous spot (Left arrow)</source>
      <translation>上一个图斑（左方向键）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Next spot (Right arrow)</source>
      <translation>下一个图斑（右方向键）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Next unverified (N)</source>
      <translation>下一个未核查（N）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Zoom (Z)</source>
      <translation>缩放至（Z）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Attach… (E)</source>
      <translation>附加…（E）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Case (C)</source>
      <translation>案件（C）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Last spot of the list</source>
      <translation>已是列表最后一个图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>First spot of the list</source>
      <translation>已是列表第一个图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No unverified spot left in the list</source>
      <translation>列表中已没有未核查的图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Open a case from a patrol finding…</source>
      <translation>从巡查发现立案…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Batch</source>
      <translation>批次</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Office</source>
      <translation>自然资源所</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Town</source>
      <translation>镇街</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Touches</source>
      <translation>涉及图层</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>{count} spots of the list end with {number}: give more digits</source>
      <translation>列表中有 {count} 个图斑以 {number} 结尾：请多输入几位</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No spot {number} in the ledger: it was not imported, or the import refused it (a duplicated number, say; see the import's report)</source>
      <translation>台帐中没有图斑 {number}：该图斑未导入，或导入时被拒绝（如编号重复，见导入报告）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>All towns</source>
      <translation>全部镇街</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No spot in the list</source>
      <translation>列表中无图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The deadlines shown still count by the holiday schedule read before the file broke. Put the file right: the ledger will not open again with it as it is.</source>
      <translation>所显示的期限仍按该文件出错前读取的节假日安排计算。请改正该文件：文件保持现状时，台帐将无法再次打开。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The spot has no geometry to zoom to</source>
      <translation>本图斑无几何，无法缩放</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No case opened: deadlines run from the verdict of {day}</source>
      <translation>未立案：期限自 {day} 判定违法起算</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Open a case</source>
      <translation>立案</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>{category} ({key})</source>
      <translation>{category}（{key}）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No spot {number} in the list shown (clear the filters to search all)</source>
      <translation>当前列表中没有图斑 {number}（清除筛选条件后可在全部图斑中查找）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>New ledger</source>
      <translation>新建台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Any status</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>verified</source>
      <translation>已核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>case overdue today</source>
      <translation>今日已逾期案件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Spot {position} of {shown}</source>
      <translation>第 {position} / {shown} 个</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Verified {verified} / {total}</source>
      <translation>已核查 {verified} / {total}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Choose or create a ledger, then import a screened batch of spots.</source>
      <translation>请选择或新建台帐，然后导入一批筛查后的图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Verdict for spot {number} saved: {verdict}</source>
      <translation>图斑 {number} 的判定已保存：{verdict}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The ledger {path} is read-only (or its folder is): it can be looked through, but no verdict, case step or evidence can be saved to it.</source>
      <translation>台帐 {path} 为只读（或其所在文件夹为只读）：可以查看，但判定、案件步骤和举证材料都无法保存。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No saved PostgreSQL connection</source>
      <translation>没有已保存的 PostgreSQL 连接</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>All batches</source>
      <translation>全部批次</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>All offices</source>
      <translation>全部自然资源所</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Any suggestion</source>
      <translation>全部建议判定</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The ledger holds no spot yet: import a screened batch (Import…).</source>
      <translation>台帐中还没有图斑：请导入一批筛查后的图斑（导入…）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No spot matches the filters.</source>
      <translation>没有符合筛选条件的图斑。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Open a case for spot {number}, judged 违法? A case once opened is never deleted: one opened in error is withdrawn, with the reason.</source>
      <translation>为判定违法的图斑 {number} 立案？案件一经立案不能删除：误立的案件只能撤销，并写明理由。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Open a ledger first</source>
      <translation>请先打开台帐</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>No case from a patrol yet</source>
      <translation>还没有巡查发现的案件</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Algorithm {id} is not available.</source>
      <translation>算法 {id} 不可用。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The ledger file {path} was moved or deleted: put it back, or open it where it is now. Nothing else changed; the open pages keep what they hold.</source>
      <translation>台帐文件已被移走或删除：{path}。请把它放回原处，或到其现在的位置打开。其他均未改动；已打开的页面保留所填内容。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The ledger file {path} was replaced by another file: the panel reads that file now. The open pages keep what they hold and save into it.</source>
      <translation>台帐文件已被另一个文件替换：{path}。面板现已读取该文件；已打开的页面保留所填内容，并保存到该文件。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>The ledger {path} saved in this project is missing (moved to another drive or computer?). Pick it where it is now in the panel's “{box}” box, or type its path there and press Enter; saving the project then stores the new path.</source>
      <translation>本工程保存的台帐 {path} 不存在（是否已移到其他磁盘或电脑？）。请在面板的“{box}”框中选取它现在的位置，或在其中输入路径后按回车；之后保存工程即会记下新路径。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Cannot open the ledger {path}: {error}</source>
      <translation>无法打开台帐 {path}：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Touching any layer</source>
      <translation>涉及任意图层</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>cultivated land</source>
      <translation>耕地</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>This spot cannot be shown: {error}</source>
      <translation>无法显示该图斑：{error}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>There is no ledger at {path}. Create a new, empty ledger there?</source>
      <translation>{path} 处没有台帐。是否在此新建一个空台帐？</translation>
    </message>
  </context>
</TS>
